namespace PluginHost.Sdk.Backends;

/// <summary>
/// Optional: a backend that can be loaded but not usable (a model file missing or invalid) says why here. The host
/// shows the problem on <c>/health</c> and answers <c>/&lt;backend&gt;/health</c> and <c>/predict</c> with 503 and the reason,
/// so Label Studio marks the connection as broken instead of failing on every prediction.
/// </summary>
public interface IBackendHealth
{
    /// <summary>Null when healthy; otherwise what is wrong and how to fix it.</summary>
    string? HealthError { get; }
}
