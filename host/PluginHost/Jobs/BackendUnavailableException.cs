namespace PluginHost.Jobs;

/// <summary>The backend a job predicts with is unknown, still loading, or failed to load.</summary>
public sealed class BackendUnavailableException(string message) : Exception(message);
