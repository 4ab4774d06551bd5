namespace PluginHost.Cluster;

/// <summary>The version a backend+project serves across the cluster (the pointer in Redis).</summary>
public sealed record ClusterActiveVersion(string Backend, string Project, string Version, string ModelVersion);
