namespace PluginHost.Backends;

/// <summary>A backend did not answer within <c>PredictTimeoutSeconds</c> (a 504 over HTTP).</summary>
public sealed class BackendTimeoutException(string backend, TimeSpan timeout)
    : Exception($"Backend '{backend}' did not answer within {timeout.TotalSeconds:0.#} s (PredictTimeoutSeconds).")
{
    public string Backend { get; } = backend;

    public TimeSpan Timeout { get; } = timeout;
}
