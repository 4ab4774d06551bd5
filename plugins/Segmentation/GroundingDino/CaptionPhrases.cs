using System.Text.Json;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Segmentation.GroundingDino;

/// <summary>
/// What Grounding DINO is asked to find, as phrases with the config label each one stands for: the annotator's
/// <c>TextArea</c> prompt (interactive) or the control's own labels (batch: <c>"car . person ."</c>).
/// </summary>
internal static class CaptionPhrases
{
    /// <summary>Batch captions: each label's <c>predicted_values</c> (when given) or its value.</summary>
    public static IReadOnlyList<(string Text, string? Label)> FromLabels(ControlTag control) =>
        control.ModelNames.Select(n => (n.Name, (string?)n.Label)).ToList();

    /// <summary>The text of the first <c>textarea</c> region in the context (a TextArea prompt), or null.</summary>
    public static string? PromptText(IReadOnlyList<AnnotationRegion> result)
    {
        foreach (var region in result)
        {
            if (region.Type != "textarea" || region.Value.ValueKind != JsonValueKind.Object) continue;
            if (!region.Value.TryGetProperty("text", out var text)) continue;
            var lines = text.ValueKind == JsonValueKind.Array
                ? text.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToList()
                : text.ValueKind == JsonValueKind.String ? [text.GetString()!] : [];
            var joined = string.Join(" . ", lines.Where(l => !string.IsNullOrWhiteSpace(l)));
            if (joined.Length > 0) return joined;
        }
        return null;
    }

    /// <summary>
    /// Interactive captions: the prompt split at "." into phrases, each mapped to a label of <paramref name="control"/>
    /// by <c>predicted_values</c>, then exact, then case-insensitive name; else the label named by one of the phrase's
    /// words ("red car" → Car); else, for a control with a single label, that label. Unmapped phrases are still asked
    /// for (they help the model tell objects apart) but give no region.
    /// </summary>
    public static IReadOnlyList<(string Text, string? Label)> FromPrompt(string prompt, ControlTag control)
    {
        var phrases = new List<(string, string?)>();
        foreach (var part in prompt.Split(['.', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var label = control.LabelMap.Map(part)
                ?? part.Split(' ', StringSplitOptions.RemoveEmptyEntries).Reverse().Select(control.LabelMap.Map).FirstOrDefault(l => l is not null)
                ?? (control.LabelValues.Count == 1 ? control.LabelValues[0] : null);
            phrases.Add((part, label));
        }
        return phrases;
    }
}
