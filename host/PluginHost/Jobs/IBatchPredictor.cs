using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Jobs;

/// <summary>The one thing a prediction job needs from the host's predict path: "predict these tasks with this backend".</summary>
public interface IBatchPredictor
{
    /// <summary>The <c>model_version</c> the backend predicts the project with now.</summary>
    /// <exception cref="BackendUnavailableException">The backend is unknown or not loaded.</exception>
    ValueTask<string> ModelVersionAsync(string backend, ProjectRef project, CancellationToken cancellationToken);

    /// <summary>One prediction per task, in order, each with its <c>model_version</c> set. Runs on the calling thread
    /// as far as the backend allows, so a job's low-priority thread does the CPU work.</summary>
    /// <exception cref="BackendUnavailableException">The backend is unknown or not loaded.</exception>
    Task<IReadOnlyList<Prediction>> PredictAsync(string backend, ProjectRef project, LabelConfig? labelConfig, IReadOnlyList<LabelStudioTask> tasks,
        CancellationToken cancellationToken);
}
