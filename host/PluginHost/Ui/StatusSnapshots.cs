using PluginHost.Backends;
using PluginHost.Http;
using PluginHost.Training;

namespace PluginHost.Ui;

/// <summary>Builds the status page's picture of the host (reads the model store: off the predict path).</summary>
internal sealed class StatusSnapshots(BackendRegistry registry, VersionService versionService, TrainingQueue queue)
{
    public StatusState Current()
    {
        var backends = registry.Slots.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Select(Describe).ToList();
        return new StatusState(DateTimeOffset.UtcNow, registry.Default?.Name, backends, Jobs());
    }

    public IReadOnlyList<TrainingJobInfo> Jobs() => queue.RecentJobs();

    private StatusBackend Describe(BackendSlot slot)
    {
        var generation = slot.Current;
        var trainable = generation?.Trainable is not null;
        var versions = trainable ? versionService.List(generation!, null).Details ?? [] : [];
        return new StatusBackend(BackendEndpoints.Describe(slot), trainable, slot.Metrics.Snapshot(), versions);
    }
}
