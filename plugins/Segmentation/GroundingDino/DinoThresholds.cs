using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Segmentation.GroundingDino;

/// <summary>
/// The box and text thresholds of one request. As in the Python <c>grounding_dino</c> example, a <c>Number</c> control
/// on the image whose name starts with <c>box_threshold</c> (or <c>text_threshold</c>) lets the annotator set them:
/// its value in the interactive context wins; then (box only) the box control's <c>model_score_threshold</c>; then the
/// settings (<c>BoxThreshold</c>/<c>TextThreshold</c>, or <c>BOX_THRESHOLD</c>/<c>TEXT_THRESHOLD</c>).
/// </summary>
internal readonly record struct DinoThresholds(double Box, double Text)
{
    public static DinoThresholds For(LabelConfig config, ControlTag boxControl, IReadOnlyList<AnnotationRegion>? context, GroundingDinoSettings settings) => new(
        Annotated(config, context, "box_threshold") ?? boxControl.NumberAttribute("model_score_threshold") ?? settings.BoxThreshold,
        Annotated(config, context, "text_threshold") ?? settings.TextThreshold);

    /// <summary>The number the annotator gave the first <c>Number</c> control named <paramref name="prefix"/>…; null when
    /// there is no such control or no value (0 counts as none, as in the Python example).</summary>
    /// <exception cref="BackendException">400: the value is not from 0 to 1 (the request's fault).</exception>
    private static double? Annotated(LabelConfig config, IReadOnlyList<AnnotationRegion>? context, string prefix)
    {
        if (context is null) return null;
        var control = config.Controls.FirstOrDefault(c => c.Type == "number" && c.Name.StartsWith(prefix, StringComparison.Ordinal)
            && c.Objects.Any(o => o.Type == "image"));
        if (control is null) return null;
        var value = context.Where(r => r.FromName == control.Name).Select(r => r.GetNumber("number")).FirstOrDefault(v => v is not null);
        return value switch
        {
            null or 0 => null,
            > 0 and <= 1 => value,
            _ => throw new BackendException(400, $"<Number name=\"{control.Name}\"> is a threshold: give it a value from 0 to 1, not {value}."),
        };
    }
}
