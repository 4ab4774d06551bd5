namespace PluginHost.Cluster;

/// <summary>This process's name in the cluster: <c>REPLICA_ID</c> when set (a Kubernetes pod name), else machine name,
/// process id and a random suffix — unique even when two replicas share a machine or a restarted pod reuses a pid.</summary>
public sealed class ReplicaIdentity(string id)
{
    public string Id { get; } = id.Length > 0 && !id.Contains('|') ? id : throw new ArgumentException("a replica id is non-empty and has no '|'", nameof(id));

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public static ReplicaIdentity FromEnvironment(Func<string, string?> getEnvironmentVariable) =>
        new(getEnvironmentVariable("REPLICA_ID") is { Length: > 0 } id
            ? id.Replace('|', '-')
            : $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}");

    public override string ToString() => Id;
}
