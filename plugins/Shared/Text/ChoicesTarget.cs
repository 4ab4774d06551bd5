using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;
using PluginHost.Sdk.Training;

namespace PluginHost.Plugins.Text;

/// <summary>What a text classifier annotates in a label config: the first <c>Choices</c> on a <c>Text</c> (or <c>HyperText</c>).</summary>
public sealed record ChoicesTarget(string ControlName, string ObjectName, string DataKey, IReadOnlyList<string> Labels, bool Multiple, double? Threshold)
{
    public static ChoicesTarget? Find(LabelConfig config)
    {
        var control = config.FindControl("Choices", "Text") ?? config.FindControl("Choices", "HyperText");
        if (control?.Object is not { } obj) return null;
        var multiple = string.Equals(control.Attribute("choice"), "multiple", StringComparison.OrdinalIgnoreCase);
        return new ChoicesTarget(control.Name, obj.Name, obj.ValueKey, control.LabelValues, multiple, control.NumberAttribute("model_score_threshold"));
    }

    public static ChoicesTarget Require(LabelConfig config) => Find(config)
        ?? throw new LabelConfigException("A text classifier needs a <Choices> control linked to a <Text> object, e.g. "
            + "<Choices name=\"sentiment\" toName=\"text\"><Choice value=\"Positive\"/><Choice value=\"Negative\"/></Choices><Text name=\"text\" value=\"$text\"/>.");

    public string? TextOf(LabelStudioTask task) => task.GetData(DataKey);

    /// <summary>The choices an annotation gave this control, restricted to the config's labels.</summary>
    public IReadOnlyList<string> ChoicesOf(Annotation annotation)
    {
        var chosen = new List<string>();
        foreach (var region in annotation.Result)
        {
            if (region.FromName != ControlName || !region.Type.Equals("choices", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var label in region.GetLabels())
                if (Labels.Contains(label) && !chosen.Contains(label)) chosen.Add(label);
        }
        return chosen;
    }

    /// <summary>The examples' texts with their chosen labels; annotations without a choice for this control (or tasks
    /// without text) teach nothing and are left out. None left is an error that says why.</summary>
    public List<(string Text, IReadOnlyList<string> Labels)> LabelledTexts(IReadOnlyList<TrainingExample> examples)
    {
        var texts = new List<(string, IReadOnlyList<string>)>(examples.Count);
        foreach (var example in examples)
        {
            var text = TextOf(example.Task);
            var labels = ChoicesOf(example.Annotation);
            if (!string.IsNullOrWhiteSpace(text) && labels.Count > 0) texts.Add((text, labels));
        }
        if (texts.Count == 0)
            throw new InvalidOperationException($"None of the {examples.Count} annotations chose a label of '{ControlName}' "
                + $"for a task with text in '${DataKey}'.");
        return texts;
    }
}
