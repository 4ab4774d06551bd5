using System.Threading.Channels;
using PluginHost.Backends;
using PluginHost.Training;

namespace PluginHost.Cluster;

/// <summary>
/// Follows the versions other replicas activate (after training or a rollback there): each
/// <see cref="ClusterMessageKinds.VersionActivated"/> is queued and applied in order, off the delivery thread, through
/// the same <see cref="VersionService"/> path as a local <c>/versions/&lt;v&gt;/activate</c> — load, warm-up, atomic swap —
/// so a follower never fails a request either. A message that is no longer current by the time it is applied (the
/// pointer moved on) is skipped.
/// </summary>
public sealed class ClusterVersionFollower(
    ClusterBus bus, RedisActiveVersionStore activeVersions, BackendRegistry registry, VersionService versions,
    ILogger<ClusterVersionFollower> logger) : BackgroundService
{
    private static readonly TimeSpan ReconcileInterval = TimeSpan.FromSeconds(5);

    private readonly Channel<ClusterMessage> _pending = Channel.CreateUnbounded<ClusterMessage>(new() { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await bus.SubscribeAsync(message =>
        {
            if (message.Kind == ClusterMessageKinds.VersionActivated) _pending.Writer.TryWrite(message);
        });
        _ = ReconcileAsync(stoppingToken);
        await foreach (var message in _pending.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await FollowAsync(message, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Could not follow {Backend}/{Project} to {Version} activated on {Replica}",
                    message.Backend, message.Project, message.Version, message.Sender);
            }
        }
    }

    /// <summary>
    /// Pub/sub delivers at most once: a message published while this replica's subscription was reconnecting (a Redis
    /// restart) is lost. Every <see cref="ReconcileInterval"/> the cluster's pointers are compared with what this replica
    /// has active, and any difference is followed like a message.
    /// </summary>
    private async Task ReconcileAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ReconcileInterval);
        while (await NextTickAsync(timer, stoppingToken).ConfigureAwait(false))
        {
            try
            {
                foreach (var (backend, project, version) in await activeVersions.ListPointersAsync())
                    if (activeVersions.GetActive(backend, project)?.VersionName != version)
                        _pending.Writer.TryWrite(new ClusterMessage(ClusterMessageKinds.VersionActivated, "(reconciled)", backend, project, version));
            }
            catch (StackExchange.Redis.RedisException)
            {
                // Redis away: the next tick tries again.
            }
        }
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task FollowAsync(ClusterMessage message, CancellationToken cancellationToken)
    {
        if (message is not { Backend: { } backend, Project: { } project, Version: { } version }) return;
        if (await activeVersions.ReadPointerAsync(backend, project) != version) return;
        if (!registry.TryGet(backend, out var slot) || !slot.TryAcquire(out var lease))
        {
            logger.LogWarning("{Backend} is not loaded on this replica: {Version} of project {Project} will be served once it loads", backend, version, project);
            return;
        }
        using (lease)
        {
            var answer = await versions.ActivateAsync(lease.Generation, project, version, cancellationToken);
            logger.LogInformation("Followed {Replica}: {Backend}/{Project} now serves {ModelVersion}", message.Sender, backend, project, answer.ModelVersion);
        }
    }
}
