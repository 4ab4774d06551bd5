namespace PluginHost.Backends;

/// <summary>What /health shows about a backend's source: the last load error and its details (e.g. compiler diagnostics).</summary>
public sealed record BackendStatus(BackendState State, string? Error, IReadOnlyList<string> Details, DateTimeOffset Since);
