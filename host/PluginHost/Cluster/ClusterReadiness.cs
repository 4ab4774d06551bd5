using PluginHost.Backends;
using PluginHost.Training;
using StackExchange.Redis;

namespace PluginHost.Cluster;

/// <summary>
/// Readiness in cluster mode (<c>GET /ready</c>): once the host has started, loads, warms up and swaps in the cluster's
/// active version of every backend+project this replica serves (the same path as an activation), then reports ready — so
/// a load balancer never sends a request to a replica that would answer with an older version. A backend still
/// loading is waited for; one this replica does not have is skipped. When Redis cannot be reached for
/// <see cref="RedisGrace"/>, the replica turns ready on the versions named in its local <c>current</c> files (logged):
/// an outage must not keep a restarted replica out of service.
/// </summary>
public sealed class ClusterReadiness(
    RedisActiveVersionStore activeVersions, BackendRegistry registry, VersionService versions, IHostApplicationLifetime lifetime,
    ILogger<ClusterReadiness> logger) : BackgroundService
{
    private static readonly TimeSpan RedisGrace = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(250);
    private volatile bool _ready;

    public bool IsReady => _ready;

    /// <summary>What readiness still waits for (empty once ready).</summary>
    public string Pending { get; private set; } = "the host is starting";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        var redisFailingSince = (DateTimeOffset?)null;
        var loaded = new HashSet<(string, string)>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var waiting = new List<string>();
                foreach (var (backend, project, version) in await activeVersions.ListPointersAsync())
                {
                    if (loaded.Contains((backend, project)) || !registry.TryGet(backend, out var slot)) continue;
                    if (!slot.TryAcquire(out var lease))
                    {
                        // Registered but not loaded yet (or failed to load: its /health says why; it cannot serve any version).
                        if (slot.Status.Error is null) waiting.Add($"{backend} to load");
                        continue;
                    }
                    using (lease)
                    {
                        if (lease.Generation.Models?.Current.TryGetValue(project, out var serving) == true && serving.VersionName == version)
                        {
                            loaded.Add((backend, project));
                            continue;
                        }
                        try
                        {
                            await versions.ActivateAsync(lease.Generation, project, version, stoppingToken);
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException and not RedisException)
                        {
                            logger.LogError(ex, "Could not load the cluster's active version {Version} of {Backend}/{Project}", version, backend, project);
                        }
                    }
                    loaded.Add((backend, project));
                }
                if (waiting.Count == 0)
                {
                    Ready($"Ready: serving the cluster's active versions ({loaded.Count} loaded)");
                    return;
                }
                Pending = "waiting for " + string.Join(", ", waiting.Distinct());
                redisFailingSince = null;
            }
            catch (RedisException ex)
            {
                redisFailingSince ??= DateTimeOffset.UtcNow;
                Pending = $"waiting for Redis ({ex.Message})";
                if (DateTimeOffset.UtcNow - redisFailingSince > RedisGrace)
                {
                    Ready("Ready without Redis: serving the versions named in the local current files");
                    return;
                }
            }
            await Task.Delay(Retry, stoppingToken);
        }
    }

    private void Ready(string message)
    {
        Pending = "";
        _ready = true;
        logger.LogInformation("{Message}", message);
    }
}
