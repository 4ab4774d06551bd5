using PluginHost.Sdk.Predictions;

namespace PluginHost.Http;

/// <summary>
/// Bounds what one answer may hold, whatever the backend returned: at most <c>MaxRegionsPerPrediction</c> regions per
/// prediction (the rest dropped, each cut named in <c>warnings</c>), never failing the batch for it.
/// </summary>
internal static class PredictionBounds
{
    public static IReadOnlyList<Prediction> CapRegions(IReadOnlyList<Prediction> predictions, int maxRegions, ref List<string>? warnings)
    {
        Prediction[]? capped = null;
        for (var i = 0; i < predictions.Count; i++)
        {
            var prediction = predictions[i];
            if (prediction.Result.Count <= maxRegions) continue;
            capped ??= [.. predictions];
            capped[i] = new Prediction(prediction.Result.Take(maxRegions).ToList(), prediction.Score, prediction.ModelVersion);
            (warnings ??= []).Add($"Prediction {i} had {prediction.Result.Count} regions; the first {maxRegions} were kept (MaxRegionsPerPrediction).");
        }
        return capped ?? predictions;
    }
}
