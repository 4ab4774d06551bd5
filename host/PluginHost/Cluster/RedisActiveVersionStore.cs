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
    private readonly ConcurrentDictionary<(string Backend, string Project), ActiveModel?> _active = new();

    public ActiveModel? GetActive(string backend, string projectId) =>
        _active.GetOrAdd((backend.ToLowerInvariant(), projectId), key => Read(key.Backend, key.Project));

    public async Task SetActiveAsync(string backend, string projectId, ActiveModel version, CancellationToken cancellationToken)
    {
        var key = (backend.ToLowerInvariant(), projectId);
        var previous = await redis.GetDatabase().StringSetAndGetAsync(PointerKey(key.Item1, projectId), version.VersionName);
        await local.SetActiveAsync(backend, projectId, version, cancellationToken);
        _active[key] = version;
        // A follower applying another replica's activation writes the same name again: no echo.
        if (previous != version.VersionName)
            await bus.PublishAsync(ClusterMessageKinds.VersionActivated, key.Item1, projectId, version.VersionName);
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
}
