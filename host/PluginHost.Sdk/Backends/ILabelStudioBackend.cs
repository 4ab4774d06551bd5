using PluginHost.Sdk.Predictions;

namespace PluginHost.Sdk.Backends;

/// <summary>
/// The contract every backend implements, whether it comes from a plugin DLL or a <c>.csx</c> script.
/// One instance serves every request of its generation concurrently: keep it thread-safe and load heavy state
/// in the constructor or in <c>ITrainableBackend.LoadModelAsync</c>, never per request.
/// </summary>
public interface ILabelStudioBackend
{
    /// <summary>
    /// The version reported to Label Studio while no trained model is active. Null lets the host derive one
    /// from the plugin's assembly version or the script's content, so new code means a new version.
    /// </summary>
    string? Version => null;

    /// <summary><c>POST /setup</c>: Label Studio connected or opened its settings. Must be fast and idempotent.</summary>
    ValueTask SetupAsync(BackendContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// <c>POST /predict</c>: one prediction per task of <see cref="PredictContext.Tasks"/>, in order. Return an empty
    /// list to answer <c>{"results":[]}</c> (e.g. an interactive backend called without a context).
    /// </summary>
    ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Null when healthy. A backend that loaded but cannot work (a model file missing or invalid) says why here: the
    /// host shows it on <c>/health</c> and answers <c>/&lt;backend&gt;/health</c> with 503, so Label Studio marks the
    /// connection as broken instead of failing on every prediction.
    /// </summary>
    string? HealthError => null;
}
