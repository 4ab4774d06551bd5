using System.Collections.Concurrent;
using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.Training;
using StackExchange.Redis;

namespace PluginHost.Cluster;

/// <summary>
/// The cluster <see cref="IActiveVersionStore"/>: the active version of each backend+project is a pointer in Redis
/// (the version folders themselves live on the shared MODEL_DIR, written once by the replica that trained them). Setting
/// it also rewrites the local <c>current</c> file, so a replica that starts while Redis is away still serves the last
/// version it knew, and tells the other replicas (<see cref="ClusterMessageKinds.VersionActivated"/>), whose
/// <see cref="ClusterVersionFollower"/> loads, warms up and swaps the version in. Reads are cached: only a project's
/// first read asks Redis.
/// </summary>
public sealed class RedisActiveVersionStore(
    IConnectionMultiplexer redis, ClusterBus bus, FileActiveVersionStore local, HostPaths paths,
    ILogger<RedisActiveVersionStore> logger, string keyPrefix = "pluginhost") : IActiveVersionStore
{
    private const string FencedSetScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
        local previous = redis.call('GET', KEYS[2])
        redis.call('SET', KEYS[2], ARGV[2])
        redis.call('SADD', KEYS[3], ARGV[3])
        if previous == ARGV[2] then return 0 end
        return 1
        """;

    private readonly ConcurrentDictionary<(string Backend, string Project), ActiveModel?> _active = new();

    public ActiveModel? GetActive(string backend, string projectId) =>
        _active.GetOrAdd((backend.ToLowerInvariant(), projectId), key => Read(key.Backend, key.Project));

    public async Task SetActiveAsync(string backend, string projectId, ActiveModel version, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var previous = await database.StringSetAndGetAsync(PointerKey(backend.ToLowerInvariant(), projectId), version.VersionName);
        await database.SetAddAsync(IndexKey, IndexMember(backend, projectId));
        await RecordedAsync(backend, projectId, version, moved: previous != version.VersionName, cancellationToken);
    }

    /// <summary>
    /// Moves the pointer only while <paramref name="fence"/> still holds its lease (owner and fencing token compared
    /// with the lease key in the same script): a training replica that stalled past its lease cannot activate what it
    /// trained. Throws <see cref="ModelActivationException"/> when the lease is lost.
    /// </summary>
    public async Task SetActiveFencedAsync(string backend, string projectId, ActiveModel version, LeaseGrant fence, RedisKey leaseKey,
        CancellationToken cancellationToken)
    {
        var moved = (long)await redis.GetDatabase().ScriptEvaluateAsync(FencedSetScript,
            [leaseKey, PointerKey(backend.ToLowerInvariant(), projectId), IndexKey],
            [fence.Value, version.VersionName, IndexMember(backend, projectId)]);
        if (moved < 0)
            throw new ModelActivationException(backend, $"{version.VersionName} of {backend}/{projectId} was not activated: this replica lost the training lease "
                + $"(fencing token {fence.FencingToken}) to another replica; the cluster's active version is unchanged.");
        await RecordedAsync(backend, projectId, version, moved > 0, cancellationToken);
    }

    /// <summary>Every backend+project with an active version in the cluster, with that version's name (for /health and readiness).</summary>
    public async Task<IReadOnlyList<(string Backend, string Project, string Version)>> ListPointersAsync()
    {
        var database = redis.GetDatabase();
        var pairs = (await database.SetMembersAsync(IndexKey)).Select(m => ((string)m!).Split('|', 2)).Where(p => p.Length == 2).ToList();
        var names = pairs.Count == 0 ? [] : await database.StringGetAsync(pairs.Select(p => PointerKey(p[0], p[1])).ToArray());
        return pairs.Select((p, i) => (p[0], p[1], (string?)names[i]))
            .Where(e => e.Item3 is not null)
            .Select(e => (e.Item1, e.Item2, e.Item3!))
            .OrderBy(e => e.Item1, StringComparer.Ordinal).ThenBy(e => e.Item2, StringComparer.Ordinal)
            .ToList();
    }

    private async Task RecordedAsync(string backend, string projectId, ActiveModel version, bool moved, CancellationToken cancellationToken)
    {
        var key = (backend.ToLowerInvariant(), projectId);
        await local.SetActiveAsync(backend, projectId, version, cancellationToken);
        _active[key] = version;
        // A follower applying another replica's activation writes the same name again: no echo.
        if (moved) await bus.PublishAsync(ClusterMessageKinds.VersionActivated, key.Item1, projectId, version.VersionName);
    }

    /// <summary>The pointer as Redis has it now (a follower's check that a message is still current).</summary>
    public async Task<string?> ReadPointerAsync(string backend, string projectId) =>
        await redis.GetDatabase().StringGetAsync(PointerKey(backend.ToLowerInvariant(), projectId));

    private ActiveModel? Read(string backend, string projectId)
    {
        string? name;
        try
        {
            // Once per project and process (the first predict of a project loads its model anyway).
            name = redis.GetDatabase().StringGet(PointerKey(backend, projectId));
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Redis is unreachable: {Backend}/{Project} serves the version named in its local current file", backend, projectId);
            return local.GetActive(backend, projectId);
        }
        if (name is null) return null;
        var directory = Path.Combine(paths.ModelDir, backend, projectId, name);
        if (Directory.Exists(directory)) return new ActiveModel(name, directory);
        logger.LogError("The cluster's active version {Version} of {Backend}/{Project} is not on this replica's MODEL_DIR ({Directory}); is MODEL_DIR shared?",
            name, backend, projectId, directory);
        return null;
    }

    private RedisKey PointerKey(string backend, string projectId) => $"{keyPrefix}:active:{backend}:{projectId}";

    private RedisKey IndexKey => $"{keyPrefix}:active-index";

    private static string IndexMember(string backend, string projectId) => $"{backend.ToLowerInvariant()}|{projectId}";
}
