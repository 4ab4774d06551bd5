namespace PluginHost.Http;

public sealed record HostHealth(string Status, string ModelClass, string? DefaultBackend, IReadOnlyList<BackendHealth> Backends);
