namespace PluginHost.Jobs.Checkpoints;

/// <summary>
/// Where prediction jobs keep what makes them exactly-once across restarts: the job record and an append-only progress
/// journal. The embedded implementation writes files under MODEL_DIR (<see cref="FileJobCheckpointStore"/>); a store
/// shared by replicas (Redis) implements the same four calls and folds journals with <see cref="JobProgress"/>.
/// </summary>
public interface IJobCheckpointStore
{
    /// <summary>Creates or replaces the job's record.</summary>
    Task SaveAsync(PredictionJobRecord record, CancellationToken cancellationToken);

    /// <summary>Appends to the job's journal. When it returns, the entries survive a crash of the process, and a
    /// <see cref="CheckpointEntry.Posting"/> entry survives a power loss too (it is what makes an import that follows
    /// it recognisable as uncertain); losing any later entry only makes the resumed job re-check those tasks.</summary>
    Task AppendAsync(string jobId, IReadOnlyList<CheckpointEntry> entries, CancellationToken cancellationToken);

    /// <summary>The job's record and folded progress, or null when unknown.</summary>
    Task<(PredictionJobRecord Record, JobProgress Progress)?> LoadAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Every job record, newest first.</summary>
    Task<IReadOnlyList<PredictionJobRecord>> ListAsync(CancellationToken cancellationToken);
}
