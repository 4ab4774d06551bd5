using Microsoft.Extensions.Options;
using PluginHost.Configuration;

namespace PluginHost.Cluster;

/// <summary>
/// Cluster mode's start and stop: subscribes the project cache to the other replicas' changes and replays journaled
/// annotations before this replica serves, beats the replica's heartbeat every few seconds (ready once it serves the cluster's active versions), and leaves the replica
/// list on a clean stop. A heartbeat that fails (Redis away) is logged and retried on the next beat.
/// </summary>
public sealed class ClusterLifecycle(
    RedisProjectStore projects, RedisAnnotationStore annotations, ReplicaRegistry replicas, ReplicaIdentity self, ClusterReadiness readiness,
    IOptions<HostSettings> settings, ILogger<ClusterLifecycle> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await projects.SubscribeAsync();
        try
        {
            await annotations.ReplayAsync(cancellationToken);
        }
        catch (StackExchange.Redis.RedisException ex)
        {
            logger.LogWarning("Journaled annotations wait for Redis ({Error})", ex.Message);
        }
        logger.LogInformation("Cluster mode: replica {Replica}", self.Id);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var url = $"http://{System.Net.Dns.GetHostName()}:{settings.Value.Port}";
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await replicas.BeatAsync(self, ready: readiness.IsReady, url);
            }
            catch (StackExchange.Redis.RedisException ex)
            {
                logger.LogWarning("Heartbeat failed (Redis unreachable: {Error}); serving on", ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await replicas.LeaveAsync(self);
        }
        catch (StackExchange.Redis.RedisException ex)
        {
            logger.LogWarning("Could not leave the replica list ({Error}); the entry ages out", ex.Message);
        }
    }
}
