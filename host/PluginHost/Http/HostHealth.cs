namespace PluginHost.Http;

/// <summary><c>GET /health</c>: every backend, and the prediction jobs running or recently finished.</summary>
public sealed record HostHealth(string Status, string ModelClass, string? DefaultBackend, IReadOnlyList<BackendHealth> Backends,
    IReadOnlyList<Jobs.PredictionJobInfo>? Jobs = null);
