namespace PluginHost.Jobs;

/// <summary>Prediction jobs: section <c>PluginHost:Jobs</c> (docs/prediction-jobs.md).</summary>
public sealed class JobSettings
{
    public const string Section = "PluginHost:Jobs";

    /// <summary>Tasks per predict call and per bulk import when the request names none.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Batches in flight per job when the request names none (bounded by <see cref="MaxConcurrency"/>).</summary>
    public int Concurrency { get; set; } = 2;

    public int MaxConcurrency { get; set; } = 8;

    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Tasks per page read from Label Studio.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>Requests in flight when tasks are read one by one (a view's or a list's).</summary>
    public int TaskFetchConcurrency { get; set; } = 8;

    /// <summary>The nice value of a job's thread (Linux): above the request threads' 0, so interactive predictions win the CPU.</summary>
    public int Nice { get; set; } = 10;

    /// <summary>Before each CPU step a job waits up to this long for the interactive <c>/predict</c> requests in flight
    /// to finish (0: never waits).</summary>
    public int YieldToInteractiveMilliseconds { get; set; } = 50;

    /// <summary>Retries of one Label Studio call on 429, 5xx, timeouts and broken connections (backoff and Retry-After).</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>The first retry's delay; later ones back off exponentially, with jitter.</summary>
    public double RetryDelaySeconds { get; set; } = 0.2;

    /// <summary>The longest wait between two attempts, Retry-After included.</summary>
    public double MaxRetryDelaySeconds { get; set; } = 30;

    /// <summary>One attempt of one Label Studio call.</summary>
    public double RequestTimeoutSeconds { get; set; } = 60;

    /// <summary>Resume the jobs a previous run left unfinished when the host starts.</summary>
    public bool ResumeOnStart { get; set; } = true;

    /// <summary>Finished jobs kept in memory (older ones are read from the store).</summary>
    public int History { get; set; } = 50;

    /// <summary>Failure reasons listed per job (the count is always exact).</summary>
    public int MaxListedFailures { get; set; } = 100;
}
