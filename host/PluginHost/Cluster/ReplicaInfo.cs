namespace PluginHost.Cluster;

/// <summary>One replica as the cluster last heard of it (its heartbeat).</summary>
public sealed record ReplicaInfo(string Id, DateTimeOffset StartedAt, DateTimeOffset LastSeen, bool Ready, string? Url);
