namespace PluginHost.Http;

/// <summary><c>GET /health</c>: every backend, the prediction jobs running or recently finished, and (cluster mode) the cluster.</summary>
public sealed record HostHealth(string Status, string ModelClass, string? DefaultBackend, IReadOnlyList<BackendHealth> Backends,
    IReadOnlyList<Jobs.PredictionJobInfo>? Jobs = null, Cluster.ClusterHealth? Cluster = null);
