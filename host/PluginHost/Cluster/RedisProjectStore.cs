using System.Collections.Concurrent;
using PluginHost.Projects;
using StackExchange.Redis;

namespace PluginHost.Cluster;

/// <summary>
/// The cluster <see cref="IProjectStore"/>: one Redis hash per backend+project, read through an in-process cache of
/// snapshots. Writes go to Redis (counters with <c>HINCRBY</c>, atomic across replicas), refresh this replica's
/// snapshot and tell the others (<see cref="ClusterMessageKinds.ProjectChanged"/>), which re-read the hash in the
/// background: until their new snapshot is in, they keep answering from the old one, so <b>a read never waits on
/// Redis once a project was read</b> — the predict path stays in memory. A first read while Redis is away answers an
/// empty snapshot (not cached) rather than failing a prediction.
/// </summary>
public sealed class RedisProjectStore : IProjectStore
{
    private readonly IConnectionMultiplexer _redis;
    private readonly ClusterBus _bus;
    private readonly ILogger<RedisProjectStore> _logger;
    private readonly string _keyPrefix;
    private readonly ConcurrentDictionary<ProjectKey, ProjectSnapshot> _cache = new();
    // One writer per project in this replica: Redis answers in order, but continuations do not, so an older answer could
    // otherwise land in the cache after a newer one.
    private readonly ConcurrentDictionary<ProjectKey, SemaphoreSlim> _gates = new();

    public RedisProjectStore(IConnectionMultiplexer redis, ClusterBus bus, ILogger<RedisProjectStore> logger, string keyPrefix = "pluginhost")
    {
        _redis = redis;
        _bus = bus;
        _logger = logger;
        _keyPrefix = keyPrefix;
    }

    /// <summary>Starts following the other replicas' changes (before this replica serves: <see cref="ClusterLifecycle"/>).</summary>
    public async Task SubscribeAsync()
    {
        await _bus.SubscribeAsync(OnClusterMessage);
        // Messages sent while this replica was cut off are lost: re-read every cached project when the link returns.
        _redis.ConnectionRestored += (_, _) => RefreshAll();
    }

    public ValueTask<ProjectSnapshot> GetAsync(ProjectKey key, CancellationToken cancellationToken) =>
        _cache.TryGetValue(key, out var snapshot) ? ValueTask.FromResult(snapshot) : new ValueTask<ProjectSnapshot>(ReadThroughAsync(key));

    public async ValueTask<ProjectSnapshot> SetAsync(ProjectKey key, string name, string value, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(key, out var cached) && cached.Get(name) == value) return cached;
        ProjectSnapshot snapshot;
        using (await LockAsync(key, cancellationToken))
        {
            await _redis.GetDatabase().HashSetAsync(HashKey(key), name, value);
            snapshot = await ReadAsync(key);
        }
        await PublishChangeAsync(key);
        return snapshot;
    }

    public async ValueTask<long> AddAsync(ProjectKey key, string counter, long delta, CancellationToken cancellationToken)
    {
        long value;
        using (await LockAsync(key, cancellationToken))
        {
            value = await _redis.GetDatabase().HashIncrementAsync(HashKey(key), counter, delta);
            // Patch our own snapshot with the value Redis answered (a full re-read per annotation would be wasted work).
            var text = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _cache.AddOrUpdate(key, k => ProjectSnapshot.Empty(k).With(counter, text), (_, current) => current.With(counter, text));
        }
        await PublishChangeAsync(key);
        return value;
    }

    private async Task<ProjectSnapshot> ReadThroughAsync(ProjectKey key)
    {
        try
        {
            using (await LockAsync(key, CancellationToken.None)) return await ReadAsync(key);
        }
        catch (RedisException ex)
        {
            _logger.LogWarning(ex, "Redis is unreachable: project {Project} answers with empty state until it returns", key);
            return ProjectSnapshot.Empty(key);
        }
    }

    /// <summary>Reads the project's hash into the cache; the caller holds the project's gate.</summary>
    private async Task<ProjectSnapshot> ReadAsync(ProjectKey key)
    {
        var entries = await _redis.GetDatabase().HashGetAllAsync(HashKey(key));
        var snapshot = new ProjectSnapshot(key, entries.ToDictionary(e => (string)e.Name!, e => (string)e.Value!, StringComparer.Ordinal));
        _cache[key] = snapshot;
        return snapshot;
    }

    private async Task PublishChangeAsync(ProjectKey key)
    {
        try
        {
            await _bus.PublishAsync(ClusterMessageKinds.ProjectChanged, key.Backend, key.ProjectId);
        }
        catch (RedisException ex)
        {
            // The value is in Redis; the others pick it up when they next refresh (reconnect or another change).
            _logger.LogWarning(ex, "Could not tell the other replicas that {Project} changed", key);
        }
    }

    private void OnClusterMessage(ClusterMessage message)
    {
        if (message.Kind != ClusterMessageKinds.ProjectChanged || message.Backend is null || message.Project is null) return;
        var key = new ProjectKey(message.Backend, message.Project);
        // Only projects this replica serves are kept fresh; others are read when first needed.
        if (_cache.ContainsKey(key)) _ = RefreshQuietlyAsync(key);
    }

    private void RefreshAll()
    {
        foreach (var key in _cache.Keys) _ = RefreshQuietlyAsync(key);
    }

    private async Task RefreshQuietlyAsync(ProjectKey key)
    {
        try
        {
            using (await LockAsync(key, CancellationToken.None)) await ReadAsync(key);
        }
        catch (RedisException ex)
        {
            _logger.LogWarning(ex, "Could not refresh project {Project} from Redis; serving the last known state", key);
        }
    }

    private async Task<IDisposable> LockAsync(ProjectKey key, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }

    private RedisKey HashKey(ProjectKey key) => $"{_keyPrefix}:project:{key.Backend}:{key.ProjectId}";
}
