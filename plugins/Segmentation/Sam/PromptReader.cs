using System.Text.Json;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Segmentation.Sam;

/// <summary>
/// Reads the annotator's smart-tool regions from an interactive <c>context.result</c>: <c>keypointlabels</c> clicks
/// and <c>rectanglelabels</c> boxes on one image, in percent of the image, into a <see cref="SamPrompt"/> in pixels.
/// </summary>
internal static class PromptReader
{
    /// <summary>
    /// The prompt for image <paramref name="imageName"/> of <paramref name="width"/>×<paramref name="height"/> pixels,
    /// and the label the mask gets: the last positive click's or box's label.
    /// <para>A click is negative when Label Studio marks it so (<c>"is_positive": false</c>, as the editor sends a
    /// smart keypoint placed with Alt), when it carries <c>"negative": true</c>, or when its label starts with
    /// <c>-</c> (the Python AdvancedSAM convention: <c>alias="-1"</c>).</para>
    /// </summary>
    public static (SamPrompt Prompt, string? Label) Read(IReadOnlyList<AnnotationRegion> result, string imageName, int width, int height)
    {
        var points = new List<PromptPoint>();
        PromptBox? box = null;
        string? label = null;
        string? anyLabel = null;
        foreach (var region in result)
        {
            if (region.ToName.Length > 0 && region.ToName != imageName) continue;
            if (region.GetNumber("x") is not { } x || region.GetNumber("y") is not { } y) continue;
            var labels = region.GetLabels();
            var regionLabel = labels.Count > 0 ? labels[0] : null;
            switch (region.Type)
            {
                case "keypointlabels" or "keypoint":
                    var positive = IsPositive(region, regionLabel);
                    points.Add(new PromptPoint(x * width / 100, y * height / 100, positive));
                    if (positive && regionLabel is not null) label = regionLabel;
                    break;
                case "rectanglelabels" or "rectangle":
                    var w = region.GetNumber("width") ?? 0;
                    var h = region.GetNumber("height") ?? 0;
                    // The decoder takes one box: the newest one wins, as in the Python example.
                    box = new PromptBox(x * width / 100, y * height / 100, (x + w) * width / 100, (y + h) * height / 100);
                    if (regionLabel is not null) label = regionLabel;
                    break;
                default:
                    continue;
            }
            anyLabel ??= regionLabel;
        }
        return (new SamPrompt(points, box), label ?? anyLabel);
    }

    private static bool IsPositive(AnnotationRegion region, string? label)
    {
        if ((Flag(region.Extra, "is_positive") ?? Flag(region.Value, "is_positive")) is { } positive) return positive;
        if ((Flag(region.Extra, "negative") ?? Flag(region.Value, "negative")) is { } negative) return !negative;
        return label is null || !label.StartsWith('-');
    }

    private static bool? Flag(Dictionary<string, JsonElement>? extra, string name) =>
        extra is not null && extra.TryGetValue(name, out var value) ? AsBool(value) : null;

    private static bool? Flag(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var flag) ? AsBool(flag) : null;

    /// <summary>true/false, 1/0 (the Python example casts <c>int(is_positive)</c>), or "true"/"false".</summary>
    private static bool? AsBool(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.GetDouble() != 0,
        JsonValueKind.String when bool.TryParse(value.GetString(), out var b) => b,
        _ => null,
    };
}
