using System.Xml;

namespace PluginHost.Sdk.LabelConfigs;

/// <summary>
/// A parsed Label Studio labelling config (<c>&lt;View&gt;…&lt;/View&gt;</c>): its control tags (what the annotator
/// produces: Labels, Choices, RectangleLabels…) and object tags (what is annotated: Text, Image…).
/// Parsing is safe: DTDs and external entities are refused.
/// </summary>
public sealed class LabelConfig
{
    /// <summary>Tags that never are controls even with <c>name</c> and <c>toName</c> (Label Studio skips <c>Filter</c>).</summary>
    private static readonly HashSet<string> LayoutTagNames = new(StringComparer.Ordinal)
    {
        "View", "Header", "Style", "Filter", "Collapse", "Shortcut",
    };

    private readonly Dictionary<string, ControlTag> _controlsByName;
    private readonly Dictionary<string, ObjectTag> _objectsByName;

    private LabelConfig(string xml, List<ControlTag> controls, List<ObjectTag> objects, List<string> relationLabels)
    {
        Xml = xml;
        Controls = controls;
        Objects = objects;
        RelationLabels = relationLabels;
        _objectsByName = objects.GroupBy(o => o.Name).ToDictionary(g => g.Key, g => g.First());
        _controlsByName = controls.GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.First());
        foreach (var control in controls)
            control.Objects = control.ToNames.Select(n => _objectsByName.GetValueOrDefault(n)).OfType<ObjectTag>().ToList();
    }

    public string Xml { get; }

    public IReadOnlyList<ControlTag> Controls { get; }

    public IReadOnlyList<ObjectTag> Objects { get; }

    /// <summary>The values of <c>&lt;Relations&gt;&lt;Relation value="…"/&gt;&lt;/Relations&gt;</c>: the labels relations may carry.</summary>
    public IReadOnlyList<string> RelationLabels { get; }

    public ControlTag? GetControl(string name) => _controlsByName.GetValueOrDefault(name);

    public ObjectTag? GetObject(string name) => _objectsByName.GetValueOrDefault(name);

    /// <summary>
    /// The first control of <paramref name="controlType"/> (e.g. "Labels", case-insensitive) linked to an object of
    /// <paramref name="objectType"/> (e.g. "Text"), optionally filtered by names: the Python SDK's
    /// <c>get_first_tag_occurence</c>.
    /// </summary>
    public ControlTag? FindControl(string controlType, string? objectType = null, string? name = null, string? toName = null)
    {
        foreach (var control in Controls)
        {
            if (!control.Type.Equals(controlType, StringComparison.OrdinalIgnoreCase)) continue;
            if (name is not null && control.Name != name) continue;
            if (toName is not null && !control.ToNames.Contains(toName)) continue;
            if (objectType is not null && !control.Objects.Any(o => o.Type.Equals(objectType, StringComparison.OrdinalIgnoreCase))) continue;
            return control;
        }
        return null;
    }

    /// <summary>
    /// Parses a config; throws <see cref="LabelConfigException"/> with a readable message. Follows Label Studio's
    /// <c>LabelInterface.parse</c>: a control is any tag with <c>name</c> and <c>toName</c> (except <c>Filter</c>), an
    /// object any other tag with <c>name</c> and <c>value</c> (or <c>valueList</c>), and a <c>Label</c>/<c>Choice</c>
    /// belongs to the nearest enclosing control, however deep (nested Views, nested Taxonomy choices).
    /// </summary>
    public static LabelConfig Parse(string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml)) throw new LabelConfigException("The label config is empty.");
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            MaxCharactersInDocument = 4 * 1024 * 1024,
        };
        var controls = new List<ControlTag>();
        var objects = new List<ObjectTag>();
        var relationLabels = new List<string>();
        var open = new Stack<Scope>();
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            var sawRoot = false;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.EndElement)
                {
                    open.Pop();
                    continue;
                }
                if (reader.NodeType != XmlNodeType.Element) continue;
                sawRoot = true;
                var tag = reader.LocalName;
                var attributes = ReadAttributes(reader);
                var parent = open.Count > 0 ? open.Peek() : default;
                var scope = parent;
                if (tag is "Label" or "Choice" or "Relation" && parent.Control is not null)
                {
                    // Label Studio skips labels with neither value nor alias.
                    if (LabelDefinition.TryCreate(tag, attributes, parent.Label) is { } label)
                    {
                        parent.Control.AddLabel(label);
                        scope = parent with { Label = label };
                    }
                }
                else if (tag == "Relation" && parent.InRelations)
                {
                    if (LabelDefinition.TryCreate(tag, attributes, null) is { } relation && !relationLabels.Contains(relation.Value))
                        relationLabels.Add(relation.Value);
                }
                else if (IsControl(tag, attributes))
                {
                    var control = new ControlTag(tag, attributes);
                    controls.Add(control);
                    scope = new Scope(control, null, parent.InRelations);
                }
                else if (IsObject(attributes))
                {
                    objects.Add(new ObjectTag(tag, attributes));
                }
                if (tag == "Relations") scope = scope with { InRelations = true };
                if (reader.IsEmptyElement) continue;
                open.Push(scope);
            }
            if (!sawRoot) throw new LabelConfigException("The label config has no root element.");
        }
        catch (XmlException ex)
        {
            throw new LabelConfigException($"The label config is not valid XML: {ex.Message}", ex);
        }
        return new LabelConfig(xml, controls, objects, relationLabels);
    }

    private static bool IsControl(string tag, Dictionary<string, string> attributes) =>
        !string.IsNullOrEmpty(attributes.GetValueOrDefault("name"))
        && !string.IsNullOrEmpty(attributes.GetValueOrDefault("toName"))
        && !LayoutTagNames.Contains(tag);

    private static bool IsObject(Dictionary<string, string> attributes) =>
        !string.IsNullOrEmpty(attributes.GetValueOrDefault("name"))
        && (!string.IsNullOrEmpty(attributes.GetValueOrDefault("value")) || !string.IsNullOrEmpty(attributes.GetValueOrDefault("valueList")));

    /// <summary>What an open element is inside of: the control its labels belong to, the label (for nested
    /// Taxonomy choices) and whether it sits in a <c>Relations</c> block.</summary>
    private readonly record struct Scope(ControlTag? Control, LabelDefinition? Label, bool InRelations);

    public static bool TryParse(string? xml, out LabelConfig? config, out string? error)
    {
        try
        {
            config = Parse(xml);
            error = null;
            return true;
        }
        catch (LabelConfigException ex)
        {
            config = null;
            error = ex.Message;
            return false;
        }
    }

    private static Dictionary<string, string> ReadAttributes(XmlReader reader)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!reader.MoveToFirstAttribute()) return attributes;
        do attributes[reader.LocalName] = reader.Value;
        while (reader.MoveToNextAttribute());
        reader.MoveToElement();
        return attributes;
    }
}

/// <summary>
/// A <c>&lt;Label&gt;</c>, <c>&lt;Choice&gt;</c> or <c>&lt;Relation&gt;</c>: its value and attributes such as
/// <c>predicted_values</c>, <c>background</c> or <c>model_score_threshold</c>.
/// </summary>
internal sealed class LabelDefinition
{
    private LabelDefinition(string tag, IReadOnlyDictionary<string, string> attributes, string value, LabelDefinition? parent)
    {
        Tag = tag;
        Attributes = attributes;
        Value = value;
        Parent = parent;
        PredictedValues = (attributes.GetValueOrDefault("predicted_values") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    internal static LabelDefinition? TryCreate(string tag, IReadOnlyDictionary<string, string> attributes, LabelDefinition? parent)
    {
        // As Label Studio: the alias, when set, is what results carry; else the value.
        var value = attributes.GetValueOrDefault("alias") is { Length: > 0 } alias ? alias : attributes.GetValueOrDefault("value");
        return string.IsNullOrEmpty(value) ? null : new LabelDefinition(tag, attributes, value, parent);
    }

    public string Tag { get; }

    /// <summary>What results carry for this label: the <c>alias</c> when set, else the <c>value</c>.</summary>
    public string Value { get; }

    /// <summary>The text shown to annotators: the <c>value</c> attribute (may differ from <see cref="Value"/> when aliased).</summary>
    public string Caption => Attributes.GetValueOrDefault("value") ?? Value;

    /// <summary>The <c>background</c> colour, e.g. <c>#FF0000</c> or <c>rgba(255,0,0,0.7)</c>.</summary>
    public string? Background => Attributes.GetValueOrDefault("background");

    /// <summary>Model output names declared with <c>predicted_values="car, truck"</c>.</summary>
    public IReadOnlyList<string> PredictedValues { get; }

    /// <summary>The enclosing choice in a nested <c>Taxonomy</c>, else null.</summary>
    public LabelDefinition? Parent { get; }

    /// <summary>The path from the taxonomy root to this choice (just this value for flat labels): one <c>taxonomy</c> path.</summary>
    public IReadOnlyList<string> Path
    {
        get
        {
            var path = new List<string>();
            for (var node = this; node is not null; node = node.Parent) path.Add(node.Value);
            path.Reverse();
            return path;
        }
    }

    public IReadOnlyDictionary<string, string> Attributes { get; }

    public string? Attribute(string name) => Attributes.GetValueOrDefault(name);

    /// <summary>A numeric attribute such as <c>model_score_threshold</c>, or null when absent or not a number.</summary>
    public double? NumberAttribute(string name) =>
        Attributes.TryGetValue(name, out var s) && double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;
}
