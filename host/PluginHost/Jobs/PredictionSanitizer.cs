using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Jobs;

/// <summary>
/// Makes a prediction acceptable to Label Studio's bulk import, where one invalid item rejects the whole request:
/// it validates with <see cref="PredictionValidator"/> and, when something is wrong, keeps only the regions that are
/// valid on their own (regions sharing an id are checked together, relations only when both ends were kept).
/// </summary>
public static class PredictionSanitizer
{
    /// <summary>The prediction to post (the same instance when it was valid) and the errors of what was dropped.</summary>
    public static (Prediction Prediction, IReadOnlyList<string> Dropped, int DroppedRegions) Sanitize(Prediction prediction, LabelConfig config)
    {
        var errors = PredictionValidator.Validate(prediction, config);
        if (errors.Count == 0) return (prediction, [], 0);

        var shapes = prediction.Result.Where(r => r.Type != "relation").ToList();
        var kept = new List<Region>();
        foreach (var group in shapes.GroupBy(r => r.Id ?? Guid.NewGuid().ToString("N")))
        {
            var regions = group.ToList();
            if (PredictionValidator.Validate(regions, config).Count == 0) kept.AddRange(regions);
        }
        var keptIds = kept.Select(r => r.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        kept.AddRange(prediction.Result.Where(r => r.Type == "relation" && r.FromId is { } from && r.ToId is { } to
            && keptIds.Contains(from) && keptIds.Contains(to)));

        var score = prediction.Score is { } s && s is >= 0 and <= 1 ? s : (double?)null;
        var cleaned = new Prediction(kept, score, prediction.ModelVersion);
        // Whatever the checks of single regions missed (none known) must not reach the import: post no regions then.
        if (PredictionValidator.Validate(cleaned, config).Count > 0) cleaned = new Prediction([], score, prediction.ModelVersion);
        return (cleaned, errors, prediction.Result.Count - cleaned.Result.Count);
    }
}
