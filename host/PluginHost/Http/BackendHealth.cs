namespace PluginHost.Http;

public sealed record BackendHealth(string Status, string ModelClass, string Name, string State, string? ModelVersion,
    string? Origin, DateTimeOffset? LoadedAt, string? Error, IReadOnlyList<string>? Diagnostics, Isolation.WorkerHealth? Worker = null);
