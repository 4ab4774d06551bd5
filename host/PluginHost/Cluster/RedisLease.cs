using StackExchange.Redis;

namespace PluginHost.Cluster;

/// <summary>
/// A lease on one name in Redis (e.g. the training job of one backend+project): at most one owner at a time, held for
/// a time-to-live that the owner renews, with a <b>fencing token</b> that grows with every grant. A writer that acts on
/// behalf of a lease (activating a version) passes its token to <see cref="IsHeldAsync"/> or to a conditional write, so
/// an owner that stalled past its lease (GC pause, partition) and lost it to another replica cannot overwrite the new
/// owner's work. All checks run as Lua scripts: one round trip, atomic on the server.
/// </summary>
public sealed class RedisLease(IConnectionMultiplexer redis, string keyPrefix = "pluginhost")
{
    private const string AcquireScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return false end
        local token = redis.call('INCR', KEYS[2])
        redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
        return token
        """;

    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    /// <summary>Takes the lease when nobody holds it. Null when another owner holds it.</summary>
    public async Task<LeaseGrant?> TryAcquireAsync(string name, string owner, TimeSpan ttl)
    {
        if (owner.Contains('|')) throw new ArgumentException("an owner id must not contain '|'", nameof(owner));
        var result = await redis.GetDatabase().ScriptEvaluateAsync(AcquireScript,
            [LeaseKey(name), FenceKey(name)], [owner, (long)ttl.TotalMilliseconds]);
        return result.IsNull ? null : new LeaseGrant(name, owner, (long)result);
    }

    /// <summary>Extends the lease by <paramref name="ttl"/> if <paramref name="grant"/> still holds it; false when lost.</summary>
    public async Task<bool> RenewAsync(LeaseGrant grant, TimeSpan ttl)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(RenewScript,
            [LeaseKey(grant.Name)], [grant.Value, (long)ttl.TotalMilliseconds]);
        return (long)result == 1;
    }

    /// <summary>Gives the lease up if <paramref name="grant"/> still holds it (a lost lease is left to its new owner).</summary>
    public async Task ReleaseAsync(LeaseGrant grant) =>
        await redis.GetDatabase().ScriptEvaluateAsync(ReleaseScript, [LeaseKey(grant.Name)], [grant.Value]);

    /// <summary>Whether <paramref name="grant"/> is the lease's current holder (owner and fencing token).</summary>
    public async Task<bool> IsHeldAsync(LeaseGrant grant) =>
        await redis.GetDatabase().StringGetAsync(LeaseKey(grant.Name)) == grant.Value;

    /// <summary>Who holds the lease now, or null.</summary>
    public async Task<LeaseGrant?> GetHolderAsync(string name)
    {
        var value = (string?)await redis.GetDatabase().StringGetAsync(LeaseKey(name));
        return value is null ? null : LeaseGrant.FromValue(name, value);
    }

    /// <summary>The key a conditional write compares with <see cref="LeaseGrant.Value"/> (fencing in a caller's script).</summary>
    public RedisKey LeaseKey(string name) => $"{keyPrefix}:lease:{name}";

    private RedisKey FenceKey(string name) => $"{keyPrefix}:fence:{name}";
}
