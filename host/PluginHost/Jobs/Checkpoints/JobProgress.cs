namespace PluginHost.Jobs.Checkpoints;

/// <summary>
/// A job's progress folded from its journal: which tasks are settled (posted, skipped, failed), which batches were in
/// flight when the journal ends, and the model versions the job posted with. Every store implementation folds with this
/// one class, so they agree on what a journal means. Not thread-safe: the runner guards it.
/// </summary>
public sealed class JobProgress
{
    private readonly Dictionary<int, long[]> _inFlight = new();

    public HashSet<long> Posted { get; } = new();

    public HashSet<long> Skipped { get; } = new();

    public Dictionary<long, string> Failed { get; } = new();

    public HashSet<string> ModelVersions { get; } = new(StringComparer.Ordinal);

    /// <summary>The highest batch number seen, so a resumed job numbers on from there.</summary>
    public int LastBatch { get; private set; }

    /// <summary>Tasks of batches whose import was started but not confirmed.</summary>
    public IEnumerable<long> Uncertain => _inFlight.Values.SelectMany(t => t);

    public bool IsSettled(long task) => Posted.Contains(task) || Skipped.Contains(task) || Failed.ContainsKey(task);

    public void Apply(CheckpointEntry entry)
    {
        switch (entry.Kind)
        {
            case CheckpointEntry.Posting when entry.Batch is { } batch && entry.Tasks is { } tasks:
                _inFlight[batch] = tasks;
                LastBatch = Math.Max(LastBatch, batch);
                if (entry.ModelVersion is { } version) ModelVersions.Add(version);
                break;
            case CheckpointEntry.Posted when entry.Batch is { } batch:
                if (_inFlight.Remove(batch, out var posted)) Posted.UnionWith(posted);
                break;
            case CheckpointEntry.Reconciled when entry.Tasks is { } tasks:
                Posted.UnionWith(tasks);
                foreach (var (batch, inFlight) in _inFlight.ToList())
                {
                    var left = inFlight.Where(t => !Posted.Contains(t)).ToArray();
                    if (left.Length == 0) _inFlight.Remove(batch);
                    else _inFlight[batch] = left;
                }
                break;
            case CheckpointEntry.Skipped when entry.Tasks is { } tasks:
                Skipped.UnionWith(tasks);
                break;
            case CheckpointEntry.Failed when entry.Tasks is { Length: > 0 } tasks:
                Failed[tasks[0]] = entry.Reason ?? "failed";
                break;
        }
    }

    /// <summary>Forgets uncertain batches (after they were reconciled against Label Studio).</summary>
    public void ClearUncertain() => _inFlight.Clear();
}
