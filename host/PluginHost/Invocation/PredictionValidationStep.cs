using System.Collections.Concurrent;
using PluginHost.Backends;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Invocation;

/// <summary>
/// Every <c>/predict</c> answer is checked against the project's label config before it leaves the host (Label Studio
/// rejects a whole answer for one invalid region): invalid regions are dropped (<see cref="PredictionSanitizer"/>),
/// counted (<c>pluginhost.predict.invalid_regions{backend,reason}</c>), logged once per backend and reason, and named
/// in the answer's <c>warnings</c>; the batch never fails for them. With <c>StrictPredictions</c> the first invalid
/// region is a 500 naming it instead. Without a label config there is nothing to check against. Prediction jobs
/// sanitize with the same rules where they import (they count drops per job); warm-ups never leave the host.
/// </summary>
public sealed class PredictionValidationStep(BackendPredictOptions options, ILogger<PredictionValidationStep> logger) : IPredictStep
{
    private readonly ConcurrentDictionary<(string Backend, string Reason), bool> _logged = new();

    public async ValueTask<IReadOnlyList<Prediction>> InvokeAsync(PredictCall call, PredictStepDelegate next, CancellationToken cancellationToken)
    {
        var predictions = await next(call, cancellationToken).ConfigureAwait(false);
        if (call.Purpose != PredictPurpose.Request || call.Context.LabelConfig is not { } config) return predictions;

        Prediction[]? cleaned = null;
        for (var i = 0; i < predictions.Count; i++)
        {
            if (TypedPredictionCheck.IsCertainlyValid(predictions[i], config)) continue;
            var checkedPrediction = PredictionSanitizer.Sanitize(predictions[i], config);
            if (checkedPrediction.IsValid) continue;
            if (options.For(call.Backend).StrictPredictions)
                throw new BackendContractException(call.Backend,
                    $"Prediction {i} of backend '{call.Backend}' is invalid for the project's label config (StrictPredictions): {checkedPrediction.Errors[0]}");
            cleaned ??= [.. predictions];
            cleaned[i] = checkedPrediction.Prediction;
            Report(call, i, checkedPrediction);
        }
        return cleaned ?? predictions;
    }

    private void Report(PredictCall call, int index, SanitizedPrediction result)
    {
        var errors = result.Errors;
        var more = errors.Count > 1 ? $" (+{errors.Count - 1} more)" : "";
        call.AddWarning(result.DroppedRegions.Count > 0
            ? $"Prediction {index}: dropped {result.DroppedRegions.Count} region(s) Label Studio would reject: {errors[0]}{more}"
            : $"Prediction {index}: corrected what Label Studio would reject: {errors[0]}{more}");
        foreach (var byReason in result.DroppedRegions.GroupBy(InvalidRegionReasons.Of))
        {
            PredictInstruments.Invalid(call.Backend, byReason.Key, byReason.Count());
            if (_logged.TryAdd((call.Backend, byReason.Key), true))
                logger.LogWarning("Backend {Backend} returned regions Label Studio would reject ({Reason}); they are dropped from its answers "
                    + "(logged once per backend and reason, counted in pluginhost.predict.invalid_regions): {Error}",
                    call.Backend, byReason.Key, byReason.First());
        }
    }
}
