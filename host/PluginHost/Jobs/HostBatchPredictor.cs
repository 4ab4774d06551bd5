using PluginHost.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;
using PluginHost.Invocation;

namespace PluginHost.Jobs;

/// <summary>
/// <see cref="IBatchPredictor"/> on the backend registry: leases the backend's current generation (and the project's
/// model) for one batch, as a <c>/predict</c> request does, and calls the backend inline on the job's thread.
/// </summary>
internal sealed class HostBatchPredictor(BackendRegistry registry, PredictInvoker invoker) : IBatchPredictor
{
    public async ValueTask<string> ModelVersionAsync(string backend, ProjectRef project, CancellationToken cancellationToken)
    {
        using var lease = Acquire(backend);
        if (lease.Generation.Models is not { } models) return lease.Generation.CodeVersion;
        using var model = await models.AcquireAsync(project, cancellationToken);
        return model.Generation.ModelVersion;
    }

    /// <summary>Through the host's one <see cref="PredictInvoker"/> (timeout, isolation, steps, metrics), as a job.</summary>
    public async Task<IReadOnlyList<Prediction>> PredictAsync(string backend, ProjectRef project, LabelConfig? labelConfig,
        IReadOnlyList<LabelStudioTask> tasks, CancellationToken cancellationToken)
    {
        using var lease = Acquire(backend);
        var (predictions, _) = await invoker.PredictAsync(lease.Generation, new PredictInput(project, tasks, labelConfig?.Xml), PredictPurpose.Job, cancellationToken);
        if (predictions.Count != tasks.Count)
            throw new InvalidOperationException($"Backend '{backend}' returned {predictions.Count} predictions for {tasks.Count} tasks.");
        return predictions;
    }

    private BackendLease Acquire(string backend)
    {
        if (!registry.TryGet(backend, out var slot)) throw new BackendUnavailableException($"Unknown backend '{backend}'.");
        if (slot.TryAcquire(out var lease)) return lease;
        throw new BackendUnavailableException(slot.Status is { State: BackendState.Failed, Error: { } error }
            ? $"Backend '{backend}' failed to load: {error}"
            : $"Backend '{backend}' is still loading.");
    }
}
