using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.TextClassifier;

/// <summary>What the classifier annotates in a label config: the first <c>Choices</c> on a <c>Text</c> (or <c>HyperText</c>).</summary>
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
        ?? throw new LabelConfigException("The text classifier needs a <Choices> control linked to a <Text> object, e.g. "
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
}
