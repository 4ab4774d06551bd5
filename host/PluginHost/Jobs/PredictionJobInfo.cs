namespace PluginHost.Jobs;

/// <summary>What <c>GET /&lt;backend&gt;/jobs/&lt;id&gt;</c> answers for a prediction job (and each server-sent event carries).</summary>
public sealed record PredictionJobInfo(
    string Id,
    string Kind,
    string Backend,
    string Project,
    string Selection,
    string State,
    int? Total,
    int Done,
    int Skipped,
    int Failed,
    int Pending,
    double Progress,
    double TasksPerSecond,
    double? EtaSeconds,
    int DroppedRegions,
    IReadOnlyList<string> ModelVersions,
    IReadOnlyList<FailedTask> Failures,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int BatchSize,
    int Concurrency,
    bool SkipExisting,
    int Resumed);
