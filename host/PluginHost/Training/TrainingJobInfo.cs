namespace PluginHost.Training;

/// <summary>What <c>GET /&lt;backend&gt;/jobs/&lt;id&gt;</c> answers.</summary>
public sealed record TrainingJobInfo(
    string Id,
    string Backend,
    string Project,
    string State,
    string Stage,
    double Progress,
    string Trigger,
    int CoalescedEvents,
    int Examples,
    string? ModelVersion,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationSeconds);
