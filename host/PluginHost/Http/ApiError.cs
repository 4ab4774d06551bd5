namespace PluginHost.Http;

/// <summary>Every error: <c>{"status":404,"detail":"…"}</c>, as the Python SDK's envelope.</summary>
public sealed record ApiError(int Status, string Detail, string? Backend = null, IReadOnlyList<string>? Diagnostics = null, string? Traceback = null);
