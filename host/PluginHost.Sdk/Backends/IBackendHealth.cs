namespace PluginHost.Sdk.Backends;

/// <summary>
/// Optional: a backend that can be unhealthy without failing to load (e.g. its model file is missing or invalid)
/// reports why here. The host surfaces <see cref="HealthError"/> on <c>/health</c>; predict calls fail with the
/// same message rather than crashing.
/// </summary>
public interface IBackendHealth
{
    /// <summary>Null when the backend is ready; otherwise a message naming the problem and how to fix it.</summary>
    string? HealthError { get; }
}
