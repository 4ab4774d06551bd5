namespace PluginHost.Cluster;

/// <summary>The <c>cluster</c> section of <c>GET /health</c> in cluster mode: the same lists from every replica (read
/// from Redis); <paramref name="AnsweredBy"/> and <paramref name="Ready"/> are the answering replica's own.</summary>
/// <param name="Redis"><c>up</c>, or <c>unreachable</c> (the replica serves the versions it has; lists are then empty).</param>
public sealed record ClusterHealth(
    string Redis,
    string AnsweredBy,
    bool Ready,
    IReadOnlyList<ReplicaInfo> Replicas,
    IReadOnlyList<ClusterTrainingJob> TrainingJobs,
    IReadOnlyList<ClusterActiveVersion> ActiveVersions,
    string? Error = null);
