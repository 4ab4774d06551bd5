using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Invocation;

/// <summary>
/// The one place that makes a prediction acceptable to Label Studio, where one invalid region rejects a whole answer
/// or bulk import: it validates with <see cref="PredictionValidator"/> and, when something is wrong, keeps only the
/// regions that are valid on their own (regions sharing an id are checked together, relations only when both ends were
/// kept). Used by the <c>/predict</c> path (<see cref="PredictionValidationStep"/>) and by prediction jobs at import.
/// </summary>
public static class PredictionSanitizer
{
    /// <summary>The prediction to send (the same instance when it was valid), the errors found and why each dropped
    /// region was dropped.</summary>
    public static SanitizedPrediction Sanitize(Prediction prediction, LabelConfig config)
    {
        var errors = PredictionValidator.Validate(prediction, config);
        if (errors.Count == 0) return new SanitizedPrediction(prediction, [], []);

        var shapes = prediction.Result.Where(r => r.Type != "relation").ToList();
        var kept = new List<Region>();
        var dropped = new List<string>();
        foreach (var group in shapes.GroupBy(r => r.Id ?? Guid.NewGuid().ToString("N")))
        {
            var regions = group.ToList();
            var groupErrors = PredictionValidator.Validate(regions, config);
            if (groupErrors.Count == 0) kept.AddRange(regions);
            else dropped.AddRange(Enumerable.Repeat(groupErrors[0], regions.Count));
        }
        var keptIds = kept.Select(r => r.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var relation in prediction.Result.Where(r => r.Type == "relation"))
        {
            if (relation.FromId is { } from && relation.ToId is { } to && keptIds.Contains(from) && keptIds.Contains(to)) kept.Add(relation);
            else dropped.Add("Relation: 'from_id' or 'to_id' does not match the id of a valid region in this prediction.");
        }

        var score = prediction.Score is { } s && s is >= 0 and <= 1 ? s : (double?)null;
        var cleaned = new Prediction(kept, score, prediction.ModelVersion);
        // Whatever the checks of single regions missed (none known) must not reach Label Studio: send no regions then.
        if (PredictionValidator.Validate(cleaned, config) is { Count: > 0 } left)
        {
            dropped.AddRange(Enumerable.Repeat(left[0], kept.Count));
            cleaned = new Prediction([], score, prediction.ModelVersion);
        }
        return new SanitizedPrediction(cleaned, errors, dropped);
    }
}
