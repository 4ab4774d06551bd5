namespace PluginHost.Jobs.Checkpoints;

/// <summary>
/// A prediction job as the checkpoint store keeps it: what to do and where it stands. Small and rewritten whole on each
/// state change; the per-task progress lives in the store's journal (<see cref="CheckpointEntry"/>). Holds no secret:
/// an API key given for one job is not persisted, so a resumed job uses the configured connection.
/// </summary>
public sealed record PredictionJobRecord
{
    public required string Id { get; init; }

    public required string Backend { get; init; }

    public required string Project { get; init; }

    public required TaskSelection Selection { get; init; }

    public int BatchSize { get; init; }

    public int Concurrency { get; init; }

    public bool SkipExisting { get; init; }

    public string State { get; init; } = PredictionJobStates.Queued;

    public string? Error { get; init; }

    public int? Total { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>How many times a restart resumed it.</summary>
    public int Resumed { get; init; }
}
