namespace PluginHost.Cluster;

/// <summary>One grant of a <see cref="RedisLease"/>: who holds it and the fencing token of that grant (strictly
/// larger than every earlier grant's token for the same name).</summary>
public sealed record LeaseGrant(string Name, string Owner, long FencingToken)
{
    /// <summary>The value stored under the lease key: <c>owner|token</c>.</summary>
    public string Value => $"{Owner}|{FencingToken}";

    internal static LeaseGrant? FromValue(string name, string value)
    {
        var bar = value.LastIndexOf('|');
        return bar > 0 && long.TryParse(value.AsSpan(bar + 1), out var token) ? new LeaseGrant(name, value[..bar], token) : null;
    }
}
