using PluginHost.Backends;
using PluginHost.Http;
using PluginHost.Jobs;
using PluginHost.Training;

namespace PluginHost.Ui;

/// <summary>Builds the status page's picture of the host (reads the model store: off the predict path).</summary>
internal sealed class StatusSnapshots(BackendRegistry registry, VersionService versionService, ITrainingQueue queue, PredictionJobs predictionJobs)
{
    /// <summary>The prediction jobs the page lists: running ones first, then the newest finished.</summary>
    private const int ShownPredictionJobs = 50;

    public async Task<StatusState> CurrentAsync(CancellationToken cancellationToken)
    {
        var backends = registry.Slots.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Select(Describe).ToList();
        return new StatusState(DateTimeOffset.UtcNow, registry.Default?.Name, backends, await JobsAsync(cancellationToken), PredictionJobs());
    }

    /// <summary>The training jobs, from whichever queue runs them (in a cluster: every replica's).</summary>
    public ValueTask<IReadOnlyList<TrainingJobInfo>> JobsAsync(CancellationToken cancellationToken) => queue.RecentJobsAsync(cancellationToken);

    public IReadOnlyList<PredictionJobInfo> PredictionJobs() => predictionJobs.All.Take(ShownPredictionJobs).Select(j => j.Snapshot()).ToList();

    private StatusBackend Describe(BackendSlot slot)
    {
        var generation = slot.Current;
        var trainable = generation?.Trainable is not null;
        var versions = trainable ? versionService.List(generation!, null).Details ?? [] : [];
        return new StatusBackend(BackendEndpoints.Describe(slot), trainable, slot.Metrics.Snapshot(), versions);
    }
}
