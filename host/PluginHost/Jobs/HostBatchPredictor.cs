using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;
using PluginHost.State;
using Microsoft.Extensions.Options;

namespace PluginHost.Jobs;

/// <summary>
/// <see cref="IBatchPredictor"/> on the backend registry: leases the backend's current generation (and the project's
/// model) for one batch, as a <c>/predict</c> request does, and calls the backend inline on the job's thread.
/// </summary>
internal sealed class HostBatchPredictor(BackendRegistry registry, ProjectStateStore state, IOptions<HostSettings> options, ILoggerFactory loggers)
    : IBatchPredictor
{
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(options.Value.PredictTimeoutSeconds);

    public async ValueTask<string> ModelVersionAsync(string backend, ProjectRef project, CancellationToken cancellationToken)
    {
        using var lease = Acquire(backend);
        if (lease.Generation.Models is not { } models) return lease.Generation.CodeVersion;
        using var model = await models.AcquireAsync(project, cancellationToken);
        return model.Generation.ModelVersion;
    }

    public async Task<IReadOnlyList<Prediction>> PredictAsync(string backend, ProjectRef project, LabelConfig? labelConfig,
        IReadOnlyList<LabelStudioTask> tasks, CancellationToken cancellationToken)
    {
        using var lease = Acquire(backend);
        var generation = lease.Generation;
        using var model = generation.Models is { } models ? await models.AcquireAsync(project, cancellationToken) : (ModelLease?)null;
        var modelVersion = model?.Generation.ModelVersion ?? generation.CodeVersion;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        var context = new PredictContext
        {
            BackendName = generation.Name,
            Project = project,
            LabelConfig = labelConfig,
            ExtraParams = ExtraParams.Parse(state.For(generation.Name, project.Id).Get(ProjectStateKeys.ExtraParams)),
            Logger = loggers.CreateLogger($"PluginHost.Backend.{generation.Name}"),
            State = state.For(generation.Name, project.Id),
            ModelVersion = modelVersion,
            Tasks = tasks,
            Model = model?.Generation.Model,
        };
        var predictions = await lease.Backend.PredictAsync(context, timeout.Token);
        if (predictions.Count != tasks.Count)
            throw new InvalidOperationException($"Backend '{backend}' returned {predictions.Count} predictions for {tasks.Count} tasks.");
        foreach (var prediction in predictions) prediction.ModelVersion ??= modelVersion;
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
