namespace PluginHost.Isolation;

/// <summary>States of a backend's worker process.</summary>
public static class WorkerStates
{
    /// <summary>Started, not yet answering its <c>/health</c>.</summary>
    public const string Starting = "starting";

    /// <summary>Answering: requests are forwarded to it.</summary>
    public const string Running = "running";

    /// <summary>Ended (crash, failed start); the next one starts after the backoff delay. Requests answer 503.</summary>
    public const string Restarting = "restarting";

    /// <summary>The host is stopping.</summary>
    public const string Stopped = "stopped";
}
