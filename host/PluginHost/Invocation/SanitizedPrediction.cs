using PluginHost.Sdk.Predictions;

namespace PluginHost.Invocation;

/// <summary>What <see cref="PredictionSanitizer"/> made of a prediction.</summary>
/// <param name="Prediction">What may be sent to Label Studio: the original instance when it was valid.</param>
/// <param name="Errors">Everything <see cref="PredictionValidator"/> found in the original (region numbers as returned).</param>
/// <param name="DroppedRegions">One entry per region left out: the first error of that region.</param>
public sealed record SanitizedPrediction(Prediction Prediction, IReadOnlyList<string> Errors, IReadOnlyList<string> DroppedRegions)
{
    public bool IsValid => Errors.Count == 0;
}
