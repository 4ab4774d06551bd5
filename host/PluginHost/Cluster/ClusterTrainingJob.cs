namespace PluginHost.Cluster;

/// <summary>A training job queued or running in the cluster, and the replica that runs it (null while it waits).</summary>
public sealed record ClusterTrainingJob(string Job, string Backend, string Project, string State, string Stage, double Progress, string? Replica);
