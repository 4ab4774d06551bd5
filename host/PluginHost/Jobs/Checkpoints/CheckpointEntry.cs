namespace PluginHost.Jobs.Checkpoints;

/// <summary>
/// One line of a job's progress journal. The write-back protocol: <see cref="Posting"/> (durable) before the bulk import,
/// <see cref="Posted"/> after Label Studio confirmed it. A batch left <c>posting</c> by a crash is uncertain: the resumed
/// job reads those tasks back from Label Studio and counts them done when they carry one of the job's model versions.
/// </summary>
public sealed record CheckpointEntry(string Kind, long[]? Tasks = null, int? Batch = null, string? ModelVersion = null, string? Reason = null)
{
    public const string Posting = "posting";
    public const string Posted = "posted";
    public const string Skipped = "skipped";
    public const string Failed = "failed";

    /// <summary>Tasks found already pre-annotated by this job (an uncertain batch that did reach Label Studio).</summary>
    public const string Reconciled = "reconciled";

    public static CheckpointEntry PostingBatch(int batch, long[] tasks, string modelVersion) => new(Posting, tasks, batch, modelVersion);

    public static CheckpointEntry PostedBatch(int batch) => new(Posted, Batch: batch);

    public static CheckpointEntry SkippedTasks(long[] tasks) => new(Skipped, tasks);

    public static CheckpointEntry FailedTask(long task, string reason) => new(Failed, [task], Reason: reason);

    public static CheckpointEntry ReconciledTasks(long[] tasks) => new(Reconciled, tasks);
}
