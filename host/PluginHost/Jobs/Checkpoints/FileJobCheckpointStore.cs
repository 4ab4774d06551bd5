using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using PluginHost.Configuration;
using PluginHost.State;

namespace PluginHost.Jobs.Checkpoints;

/// <summary>
/// The embedded checkpoint store: <c>MODEL_DIR/jobs/&lt;id&gt;/job.json</c> (written atomically) and
/// <c>journal.jsonl</c> (one entry per line, appended and flushed to disk before the call returns). A line torn by a
/// crash is ignored when the journal is read back.
/// </summary>
public sealed class FileJobCheckpointStore(HostPaths paths, ILogger<FileJobCheckpointStore> logger) : IJobCheckpointStore
{
    private const string RecordFile = "job.json";
    private const string JournalFile = "journal.jsonl";
    private readonly ConcurrentDictionary<string, object> _journalLocks = new(StringComparer.Ordinal);

    public string Root { get; } = Path.Combine(paths.ModelDir, "jobs");

    public Task SaveAsync(PredictionJobRecord record, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(Path.Combine(FolderOf(record.Id), RecordFile),
            JsonSerializer.SerializeToUtf8Bytes(record, JobsJson.Default.PredictionJobRecord), cancellationToken);

    public Task AppendAsync(string jobId, IReadOnlyList<CheckpointEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0) return Task.CompletedTask;
        var text = new StringBuilder();
        foreach (var entry in entries) text.Append(JsonSerializer.Serialize(entry, JobsJson.Default.CheckpointEntry)).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        var path = Path.Combine(FolderOf(jobId), JournalFile);
        var durable = entries.Any(e => e.Kind == CheckpointEntry.Posting);
        var gate = _journalLocks.GetOrAdd(jobId, _ => new object());
        if (!durable)
        {
            Append(gate, path, bytes, flushToDisk: false);
            return Task.CompletedTask;
        }
        // An fsync takes milliseconds: on the pool, so the job's thread goes on with its other batches meanwhile.
        return Task.Run(() => Append(gate, path, bytes, flushToDisk: true), CancellationToken.None);
    }

    /// <summary>Appends under a per-job lock (the lanes of one job append concurrently).</summary>
    private static void Append(object gate, string path, byte[] bytes, bool flushToDisk)
    {
        lock (gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            stream.Write(bytes);
            stream.Flush(flushToDisk);
        }
    }

    public async Task<(PredictionJobRecord Record, JobProgress Progress)?> LoadAsync(string jobId, CancellationToken cancellationToken)
    {
        if (!IsSafeId(jobId)) return null;
        var record = await ReadRecordAsync(Path.Combine(FolderOf(jobId), RecordFile), cancellationToken);
        if (record is null) return null;
        var progress = new JobProgress();
        var journal = Path.Combine(FolderOf(jobId), JournalFile);
        if (File.Exists(journal))
        {
            foreach (var line in await File.ReadAllLinesAsync(journal, cancellationToken))
            {
                if (line.Length == 0) continue;
                try
                {
                    if (JsonSerializer.Deserialize(line, JobsJson.Default.CheckpointEntry) is { } entry) progress.Apply(entry);
                }
                catch (JsonException)
                {
                    logger.LogWarning("Ignoring a torn line in the journal of job {Job}", jobId);
                }
            }
        }
        return (record, progress);
    }

    public async Task<IReadOnlyList<PredictionJobRecord>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root)) return [];
        var records = new List<PredictionJobRecord>();
        foreach (var folder in Directory.EnumerateDirectories(Root))
            if (await ReadRecordAsync(Path.Combine(folder, RecordFile), cancellationToken) is { } record) records.Add(record);
        return records.OrderByDescending(r => r.CreatedAt).ToList();
    }

    private async Task<PredictionJobRecord?> ReadRecordAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return null;
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync(stream, JobsJson.Default.PredictionJobRecord, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            logger.LogWarning(ex, "Unreadable job record {Path}", path);
            return null;
        }
    }

    private string FolderOf(string jobId) =>
        IsSafeId(jobId) ? Path.Combine(Root, jobId) : throw new ArgumentException($"'{jobId}' is not a job id.", nameof(jobId));

    private static bool IsSafeId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
