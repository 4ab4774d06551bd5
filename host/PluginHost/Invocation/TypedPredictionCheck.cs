using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Invocation;

/// <summary>
/// The fast path of <see cref="PredictionSanitizer"/> on the interactive path: accepts a prediction whose regions are
/// all of the common kinds — <c>choices</c>, text <c>labels</c> spans, <c>rectanglelabels</c> boxes — and pass the rules
/// <see cref="PredictionValidator"/> applies to them, reading the typed regions (no serialization). Anything else, and
/// anything doubtful, answers false and goes to the full validator: it may only err towards the slow path, never
/// accept what the validator would reject (<c>TypedPredictionCheckTests</c> compares the two on generated regions).
/// </summary>
public static class TypedPredictionCheck
{
    public static bool IsCertainlyValid(Prediction prediction, LabelConfig config)
    {
        if (prediction.ModelVersion is null || !IsUnitScore(prediction.Score)) return false;
        var regions = prediction.Result;
        for (var i = 0; i < regions.Count; i++)
            if (!IsCertainlyValid(regions[i], config)) return false;
        return true;
    }

    private static bool IsCertainlyValid(Region region, LabelConfig config)
    {
        if (region.Value is not { } value || !IsUnitScore(region.Score)) return false;
        if (config.GetControl(region.FromName) is not { } control || !string.Equals(region.Type, control.Type, StringComparison.Ordinal)) return false;
        if (config.GetObject(region.ToName) is null || !Contains(control.ToNames, region.ToName)) return false;
        return region.Type switch
        {
            "choices" => value is { Labels: null, Choices: { } choices } && AreKnown(control, choices),
            "labels" => value is { LabelsKey: "labels", Labels: { } labels, Start: >= 0, End: >= 0, StartOffsetPath: null, EndOffsetPath: null }
                && AreKnown(control, labels),
            "rectanglelabels" => value is { LabelsKey: "rectanglelabels", Labels: { } boxLabels }
                && AreKnown(control, boxLabels)
                && IsPercent(value.X) && IsPercent(value.Y) && IsPercent(value.Width) && IsPercent(value.Height)
                && (value.Rotation is null || (double.IsFinite(value.Rotation.Value) && value.Rotation.Value <= 360)),
            _ => false,
        };
    }

    /// <summary>A control without static labels (labels from task data) accepts any, as the validator does.</summary>
    private static bool AreKnown(ControlTag control, IReadOnlyList<string> labels)
    {
        var any = control.LabelValues.Count == 0;
        for (var i = 0; i < labels.Count; i++)
            if (labels[i] is not { } label || (!any && !control.HasLabel(label))) return false;
        return true;
    }

    private static bool IsUnitScore(double? score) => score is null || (double.IsFinite(score.Value) && score.Value is >= 0 and <= 1);

    private static bool IsPercent(double? value) => value is { } v && double.IsFinite(v) && v is >= 0 and <= 100;

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
            if (string.Equals(names[i], name, StringComparison.Ordinal)) return true;
        return false;
    }
}
