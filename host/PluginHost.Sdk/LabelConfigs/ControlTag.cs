using System.Xml;

namespace PluginHost.Sdk.LabelConfigs;

/// <summary>A control tag: what the annotator (or the model) produces, linked to objects by <c>toName</c>.</summary>
public sealed class ControlTag
{
    private readonly List<LabelDefinition> _labels = [];
    private LabelMap? _labelMap;
    private IReadOnlyList<string>? _labelValues;
    private HashSet<string>? _labelSet;

    internal ControlTag(string tag, IReadOnlyDictionary<string, string> attributes)
    {
        Tag = tag;
        Attributes = attributes;
        Name = attributes.GetValueOrDefault("name") ?? "";
        ToNames = (attributes.GetValueOrDefault("toName") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>The tag as written, e.g. <c>RectangleLabels</c>.</summary>
    public string Tag { get; }

    /// <summary>The lowercased tag: the region <c>type</c> Label Studio expects.</summary>
    public string Type => Tag.ToLowerInvariant();

    public string Name { get; }

    public IReadOnlyList<string> ToNames { get; }

    /// <summary>The objects named by <c>toName</c> that exist in the config.</summary>
    public IReadOnlyList<ObjectTag> Objects { get; internal set; } = [];

    /// <summary>The first linked object, which most backends annotate.</summary>
    public ObjectTag? Object => Objects.Count > 0 ? Objects[0] : null;

    public IReadOnlyDictionary<string, string> Attributes { get; }

    /// <summary>The control's <c>&lt;Label&gt;</c> or <c>&lt;Choice&gt;</c> children, in order.</summary>
    internal IReadOnlyList<LabelDefinition> Labels => _labels;

    /// <summary>The label values, in order, each once (Label Studio keys labels by value).</summary>
    public IReadOnlyList<string> LabelValues => _labelValues ??= _labels.Select(l => l.Value).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Whether <paramref name="value"/> is one of <see cref="LabelValues"/> (exact match).</summary>
    public bool HasLabel(string value) => (_labelSet ??= new HashSet<string>(LabelValues, StringComparer.Ordinal)).Contains(value);

    /// <summary><c>choice="multiple"</c>: several choices (or labels) may be selected at once.</summary>
    public bool IsMultipleChoice => Attribute("choice") == "multiple";

    /// <summary><c>perRegion="true"</c>: the control annotates regions (e.g. an OCR TextArea per box), not the whole object.</summary>
    public bool IsPerRegion => string.Equals(Attribute("perRegion"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The task data key of dynamic labels or choices (<c>value="$options"</c>), or null for static ones.</summary>
    public string? DynamicValueKey => Attribute("value") is { Length: > 1 } v && v[0] == '$' ? v[1..] : null;

    public string? Attribute(string name) => Attributes.GetValueOrDefault(name);

    /// <summary>A numeric attribute such as <c>model_score_threshold</c>, or null when absent or not a number.</summary>
    public double? NumberAttribute(string name) =>
        Attributes.TryGetValue(name, out var s) && double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;

    /// <summary>A numeric attribute of one of the control's labels (e.g. a keypoint's <c>model_index</c>), or null when the
    /// label or the attribute is absent or not a number.</summary>
    public double? LabelNumberAttribute(string labelValue, string name) =>
        _labels.FirstOrDefault(l => l.Value == labelValue)?.NumberAttribute(name);

    /// <summary>The names a model is asked for, with the label each stands for: a label's <c>predicted_values</c> when
    /// given, else its caption (the <c>value</c> attribute) — what text-prompted models such as Grounding DINO need.</summary>
    public IReadOnlyList<(string Name, string Label)> ModelNames =>
        _labels.SelectMany(l => l.PredictedValues.Count > 0
            ? l.PredictedValues.Select(v => (v, l.Value))
            : [(l.Caption, l.Value)]).ToList();

    /// <summary>Maps model output names to this control's labels (see <see cref="LabelMap"/>).</summary>
    public LabelMap LabelMap => _labelMap ??= new LabelMap(_labels);

    internal void AddLabel(LabelDefinition label)
    {
        _labels.Add(label);
        _labelMap = null;
        _labelValues = null;
        _labelSet = null;
    }
}
