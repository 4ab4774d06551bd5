using PluginHost.Backends;
using PluginHost.Training;
using StackExchange.Redis;

namespace PluginHost.Cluster;

/// <summary>A cluster training job's fence: its version becomes active only while its lane's lease (owner and fencing
/// token) is still the one it was granted, checked in the same Lua script that moves the pointer.</summary>
public sealed class LaneFence(RedisActiveVersionStore activeVersions, LeaseGrant grant, RedisKey leaseKey) : ITrainingFence
{
    public LeaseGrant Grant { get; } = grant;

    public Task SetActiveAsync(string backend, string projectId, ActiveModel version, CancellationToken cancellationToken) =>
        activeVersions.SetActiveFencedAsync(backend, projectId, version, Grant, leaseKey, cancellationToken);
}
