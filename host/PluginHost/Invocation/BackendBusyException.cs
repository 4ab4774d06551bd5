namespace PluginHost.Invocation;

/// <summary>A backend's bulkhead is full (every slot running, the queue full): a 503 with <c>Retry-After</c>, at once.</summary>
public sealed class BackendBusyException(string backend, int running, int queued, int retryAfterSeconds)
    : Exception($"Backend '{backend}' is busy: {running} predict calls are running and {queued} waiting "
        + "(MaxConcurrentPredicts, MaxQueuedPredicts); retry later.")
{
    public string Backend { get; } = backend;

    public int RetryAfterSeconds { get; } = retryAfterSeconds;
}
