namespace PluginHost.Isolation;

/// <summary>How isolated backends' worker processes are supervised: section <c>PluginHost:Isolation</c>.</summary>
public sealed class IsolationSettings
{
    public const string Section = "PluginHost:Isolation";

    /// <summary>Folder of the workers' Unix domain sockets (mode 0700). Empty: <c>$XDG_RUNTIME_DIR</c> when set, else the
    /// temporary folder; a subfolder <c>pluginhost-&lt;pid&gt;</c> either way.</summary>
    public string SocketDir { get; set; } = "";

    /// <summary>A worker must answer its <c>/health</c> within this time after it starts, else it is killed and restarted.</summary>
    public double StartTimeoutSeconds { get; set; } = 120;

    /// <summary>The first restart waits this long; each failed start in a row doubles it.</summary>
    public double RestartDelaySeconds { get; set; } = 0.5;

    /// <summary>The restart delay never grows past this.</summary>
    public double MaxRestartDelaySeconds { get; set; } = 30;

    /// <summary>A worker that ran this long since its start resets the delay to <see cref="RestartDelaySeconds"/>.</summary>
    public double HealthyResetSeconds { get; set; } = 60;

    /// <summary>On host shutdown a worker gets this long to stop after its stdin closes, then it is killed.</summary>
    public double StopTimeoutSeconds { get; set; } = 10;

    /// <summary>A running worker's <c>/health</c> is asked this often; one that fails <see cref="LivenessFailures"/> times in a
    /// row (no answer within <see cref="LivenessTimeoutSeconds"/>: hung, deadlocked, stopped) is killed and restarted.</summary>
    public double LivenessIntervalSeconds { get; set; } = 5;

    public double LivenessTimeoutSeconds { get; set; } = 5;

    public int LivenessFailures { get; set; } = 3;

    /// <summary>A worker whose resident memory grows past this many megabytes (a native leak) is replaced by a fresh one,
    /// checked with each health check; 0: never.</summary>
    public long MaxWorkerMemoryMegabytes { get; set; }

    /// <summary>A forwarded request the worker has not answered after <c>PredictTimeoutSeconds</c> plus this margin is a
    /// JSON 504 (the worker answers its own 504 first when only the backend is slow). Event streams are not bounded.</summary>
    public double ForwardTimeoutMarginSeconds { get; set; } = 10;

    /// <summary>The <c>Retry-After</c> (seconds) of the 503 answered while a worker is down.</summary>
    public int RetryAfterSeconds { get; set; } = 1;
}
