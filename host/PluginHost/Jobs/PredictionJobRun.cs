using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using PluginHost.Invocation;
using PluginHost.Jobs.Checkpoints;
using PluginHost.Jobs.LabelStudio;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Jobs;

/// <summary>
/// One execution of a prediction job: a producer reads the selected tasks from Label Studio (pages, or one by one for
/// a view or a list), drops those already settled or already pre-annotated, and hands batches to
/// <see cref="PredictionJobRecord.Concurrency"/> consumers; each consumer fetches the batch's media through the task-data
/// access, predicts, validates, checkpoints <c>posting</c>, bulk-imports and checkpoints <c>posted</c>.
/// </summary>
internal sealed class PredictionJobRun
{
    private static readonly HashSet<string> MediaObjects = new(StringComparer.Ordinal) { "image", "audio", "audioplus", "video", "pdf" };

    private readonly PredictionJob _job;
    private readonly PredictionJobRecord _record;
    private readonly JobProgress _progress;
    private readonly LabelStudioConnection _connection;
    private readonly LabelConfig? _labelConfig;
    private readonly ProjectRef _project;
    private readonly PredictionJobServices _services;
    private readonly ConcurrentDictionary<string, byte> _ourVersions = new(StringComparer.Ordinal);
    private readonly string[] _mediaKeys;
    private readonly CancellationTokenSource _stop;
    private readonly object _progressGate = new();
    private Exception? _fatal;
    private int _batchNumber;

    public PredictionJobRun(PredictionJob job, JobProgress progress, LabelStudioConnection connection, LabelConfig? labelConfig,
        string modelVersion, PredictionJobServices services)
    {
        _job = job;
        _record = job.Record;
        _progress = progress;
        _connection = connection;
        _labelConfig = labelConfig;
        _project = new ProjectRef(_record.Project);
        _services = services;
        _batchNumber = progress.LastBatch;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(job.CancellationToken);
        _ourVersions[modelVersion] = 0;
        foreach (var version in progress.ModelVersions) _ourVersions[version] = 0;
        job.AddModelVersion(modelVersion);
        _mediaKeys = labelConfig?.Objects
            .Where(o => o.ValueIsVariable && (MediaObjects.Contains(o.Type) || o.Attributes.GetValueOrDefault("valueType") == "url"))
            .Select(o => o.ValueKey).Distinct().ToArray() ?? [];
    }

    private CancellationToken Token => _stop.Token;

    public async Task ExecuteAsync()
    {
        await ReconcileUncertainAsync();
        var batches = Channel.CreateBounded<List<LabelStudioTask>>(new BoundedChannelOptions(Math.Max(1, _record.Concurrency))
        {
            SingleWriter = true,
        });
        var workers = new List<Task> { Guard(() => ProduceAsync(batches.Writer)) };
        for (var i = 0; i < Math.Max(1, _record.Concurrency); i++) workers.Add(Guard(() => ConsumeAsync(batches.Reader)));
        await Task.WhenAll(workers);
        if (_fatal is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(_fatal).Throw();
        _job.CancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The first failure that ends the job stops every worker; cancellation just ends them.</summary>
    private async Task Guard(Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (OperationCanceledException) when (Token.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Interlocked.CompareExchange(ref _fatal, ex, null);
            _stop.Cancel();
        }
    }

    /// <summary>Batches a crash left "posting": those that reached Label Studio count as posted, the rest are redone.</summary>
    private async Task ReconcileUncertainAsync()
    {
        var uncertain = _progress.Uncertain.Where(t => !_progress.IsSettled(t)).Distinct().ToList();
        if (uncertain.Count == 0) return;
        var landed = new ConcurrentBag<long>();
        await ForEachBoundedAsync(uncertain, async id =>
        {
            if (await _services.LabelStudio.GetTaskAsync(_connection, id, Token) is { } task && HasOurPrediction(task)) landed.Add(id);
        });
        var tasks = landed.ToArray();
        await AppendAsync(CheckpointEntry.ReconciledTasks(tasks));
        _progress.ClearUncertain();
        _job.Predicted(tasks.Length, 0);
        _services.Logger.LogInformation("Job {Job}: {Landed} of {Uncertain} tasks of unconfirmed imports had reached Label Studio",
            _record.Id, tasks.Length, uncertain.Count);
    }

    private async Task ProduceAsync(ChannelWriter<List<LabelStudioTask>> writer)
    {
        try
        {
            var batch = new List<LabelStudioTask>(_record.BatchSize);
            var skipped = new List<long>();
            await foreach (var task in SelectTasksAsync())
            {
                if (IsSettled(task.Id)) continue;
                if (ShouldSkip(task))
                {
                    skipped.Add(task.Id);
                    if (skipped.Count >= _record.BatchSize) await RecordSkippedAsync(skipped);
                    continue;
                }
                batch.Add(task);
                if (batch.Count < _record.BatchSize) continue;
                await writer.WriteAsync(batch, Token);
                batch = new List<LabelStudioTask>(_record.BatchSize);
            }
            await RecordSkippedAsync(skipped);
            if (batch.Count > 0) await writer.WriteAsync(batch, Token);
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private async Task ConsumeAsync(ChannelReader<List<LabelStudioTask>> reader)
    {
        await foreach (var batch in reader.ReadAllAsync(Token)) await ProcessBatchAsync(batch);
    }

    private async IAsyncEnumerable<LabelStudioTask> SelectTasksAsync()
    {
        var selection = _record.Selection;
        if (selection.Kind == TaskSelection.AllKind)
        {
            await foreach (var task in ProjectTasksAsync()) yield return task;
            yield break;
        }

        var ids = selection.Kind == TaskSelection.ViewKind ? await ViewTaskIdsAsync(selection.View!.Value) : selection.TaskIds!.Distinct().ToList();
        _job.SetTotal(ids.Count);
        foreach (var chunk in ids.Where(id => !IsSettled(id)).Chunk(_record.BatchSize))
        {
            var fetched = new LabelStudioTask?[chunk.Length];
            await ForEachBoundedAsync(Enumerable.Range(0, chunk.Length).ToList(),
                async i => fetched[i] = await _services.LabelStudio.GetTaskAsync(_connection, chunk[i], Token));
            for (var i = 0; i < chunk.Length; i++)
            {
                if (fetched[i] is { } task) yield return task;
                else await FailAsync(chunk[i], $"Task {chunk[i]} is not in Label Studio (HTTP 404).");
            }
        }
    }

    /// <summary>The project's tasks page by page, in order; once the first page told the total, the next pages are
    /// read ahead (as many at once as the job has batches in flight) so Label Studio's answer time overlaps the work.</summary>
    private async IAsyncEnumerable<LabelStudioTask> ProjectTasksAsync()
    {
        var first = await PageAsync(1);
        if (first is null || first.Tasks.Count == 0) yield break;
        if (first.Total is { } total) _job.SetTotal(total);
        foreach (var task in first.Tasks) yield return task;
        // Without a total, the pages end where Label Studio answers 404.
        var pages = first.Total is { } all ? (int)Math.Ceiling(all / (double)_services.LabelStudio.PageSize) : int.MaxValue;
        var ahead = new Queue<Task<TaskPage?>>();
        var next = 2;
        var window = Math.Max(2, _record.Concurrency);
        while (next <= pages && ahead.Count < window) ahead.Enqueue(PageAsync(next++));
        while (ahead.Count > 0)
        {
            var page = await ahead.Dequeue();
            if (page is null || page.Tasks.Count == 0) yield break;
            if (next <= pages) ahead.Enqueue(PageAsync(next++));
            foreach (var task in page.Tasks) yield return task;
        }
    }

    private Task<TaskPage?> PageAsync(int page) => _services.LabelStudio.GetTaskPageAsync(_connection, _record.Project, null, page, Token);

    /// <summary>A view's task ids, read before any write-back: predictions imported meanwhile could move tasks in or out
    /// of a view filtered on them, and shift its pages.</summary>
    private async Task<List<long>> ViewTaskIdsAsync(long view)
    {
        var ids = new List<long>();
        for (var page = 1; ; page++)
        {
            var tasks = await _services.LabelStudio.GetTaskPageAsync(_connection, _record.Project, view, page, Token);
            if (tasks is null || tasks.Tasks.Count == 0) break;
            ids.AddRange(tasks.Tasks.Select(t => t.Id));
            if (tasks.Total is { } total && ids.Count >= total) break;
        }
        return ids.Distinct().ToList();
    }

    private async Task ProcessBatchAsync(List<LabelStudioTask> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var ready = await FetchMediaAsync(batch);
        await GiveWayAsync();
        var predicted = await PredictAsync(ready);
        await GiveWayAsync();
        var items = new List<ImportedPrediction>(predicted.Count);
        var dropped = 0;
        foreach (var (task, prediction) in predicted)
        {
            var clean = prediction;
            if (_labelConfig is not null)
            {
                var sanitized = PredictionSanitizer.Sanitize(prediction, _labelConfig);
                clean = sanitized.Prediction;
                dropped += sanitized.DroppedRegions.Count;
                if (!sanitized.IsValid)
                    _services.Logger.LogWarning("Job {Job}: task {Task}: dropped {Count} region(s) Label Studio would reject: {Errors}",
                        _record.Id, task.Id, sanitized.DroppedRegions.Count, string.Join(" ", sanitized.Errors.Take(3)));
            }
            var version = clean.ModelVersion!;
            if (_ourVersions.TryAdd(version, 0)) _job.AddModelVersion(version);
            items.Add(new ImportedPrediction(task.Id, clean.Result, clean.Score, version));
        }
        if (items.Count == 0) return;

        var number = Interlocked.Increment(ref _batchNumber);
        await AppendAsync(CheckpointEntry.PostingBatch(number, items.Select(i => i.Task).ToArray(), items[0].ModelVersion));
        var posted = await ImportAsync(items);
        if (posted.Count == items.Count) await AppendAsync(CheckpointEntry.PostedBatch(number));
        else await AppendAsync(CheckpointEntry.ReconciledTasks(posted.Select(i => i.Task).ToArray()));
        _job.Predicted(posted.Count, dropped);
        _services.Metrics.Tasks(_record.Backend, "predicted", posted.Count);
        _services.Metrics.DroppedRegions(_record.Backend, dropped);
        _services.Metrics.Batch(_record.Backend, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Bulk import; when Label Studio rejects the batch as invalid (400, nothing stored), each item alone, so one
    /// bad item fails only its task. Returns what was stored.</summary>
    private async Task<IReadOnlyList<ImportedPrediction>> ImportAsync(List<ImportedPrediction> items)
    {
        try
        {
            await _services.LabelStudio.ImportPredictionsAsync(_connection, _record.Project, items, StillMissingAsync, Token);
            _services.Metrics.Imported(_record.Backend);
            return items;
        }
        catch (LabelStudioApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.BadRequest && items.Count > 1)
        {
            _services.Logger.LogWarning("Job {Job}: Label Studio rejected a batch of {Count} ({Error}); importing one by one", _record.Id, items.Count, ex.Message);
            var stored = new List<ImportedPrediction>();
            foreach (var item in items)
            {
                try
                {
                    await _services.LabelStudio.ImportPredictionsAsync(_connection, _record.Project, [item], StillMissingAsync, Token);
                    stored.Add(item);
                }
                catch (LabelStudioApiException single) when (single.StatusCode == System.Net.HttpStatusCode.BadRequest)
                {
                    await FailAsync(item.Task, "Label Studio rejected the prediction: " + single.Message);
                }
            }
            return stored;
        }
    }

    /// <summary>Before retrying an import whose outcome is unknown: the items whose task still lacks that prediction.</summary>
    private async Task<IReadOnlyList<ImportedPrediction>> StillMissingAsync(IReadOnlyList<ImportedPrediction> items, CancellationToken cancellationToken)
    {
        var missing = new ConcurrentBag<ImportedPrediction>();
        await ForEachBoundedAsync(items.ToList(), async item =>
        {
            var task = await _services.LabelStudio.GetTaskAsync(_connection, item.Task, cancellationToken);
            if (task is null || !HasPrediction(task, item.ModelVersion)) missing.Add(item);
        });
        _services.Logger.LogInformation("Job {Job}: {Landed} of {Count} predictions of an unconfirmed import had been stored",
            _record.Id, items.Count - missing.Count, items.Count);
        return items.Where(missing.Contains).ToList();
    }

    /// <summary>Fetches every task's media (images, audio…) through the task-data access; a task whose data cannot be
    /// fetched fails alone. The files land in the shared cache, where the backend finds them.</summary>
    private async Task<List<LabelStudioTask>> FetchMediaAsync(List<LabelStudioTask> batch)
    {
        if (_mediaKeys.Length == 0) return batch;
        var failed = new ConcurrentDictionary<long, string>();
        await ForEachBoundedAsync(batch, async task =>
        {
            foreach (var key in _mediaKeys)
            {
                if (task.GetData(key) is not { Length: > 0 } value) continue;
                try
                {
                    await _services.TaskData.GetLocalPathAsync(value, task.Id, _project, Token);
                }
                catch (TaskDataException ex)
                {
                    failed[task.Id] = $"Task data '{key}' cannot be fetched: {ex.Message}";
                    return;
                }
            }
        });
        foreach (var (id, reason) in failed) await FailAsync(id, reason);
        return failed.IsEmpty ? batch : batch.Where(t => !failed.ContainsKey(t.Id)).ToList();
    }

    /// <summary>Predicts the batch; when the backend throws, each task alone, so one poisonous task fails only itself.</summary>
    private async Task<List<(LabelStudioTask Task, Prediction Prediction)>> PredictAsync(List<LabelStudioTask> tasks)
    {
        if (tasks.Count == 0) return [];
        try
        {
            var predictions = await _services.Predictor.PredictAsync(_record.Backend, _project, _labelConfig, tasks, Token);
            return tasks.Zip(predictions).ToList();
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not BackendUnavailableException || ex is OperationCanceledException && !Token.IsCancellationRequested)
        {
            if (tasks.Count == 1)
            {
                await FailAsync(tasks[0].Id, $"The backend failed: {ex.GetType().Name}: {ex.Message}");
                return [];
            }
            var results = new List<(LabelStudioTask, Prediction)>();
            foreach (var task in tasks) results.AddRange(await PredictAsync([task]));
            return results;
        }
    }

    /// <summary>Interactive predictions first: wait (briefly) while any is being answered.</summary>
    private Task GiveWayAsync() =>
        _services.Interactive.WhenQuietAsync(TimeSpan.FromMilliseconds(_services.Settings.YieldToInteractiveMilliseconds), Token);

    private bool IsSettled(long task)
    {
        lock (_progressGate) return _progress.IsSettled(task);
    }

    /// <summary>Label Studio's own rule (never a second prediction of the same model version), plus skip_existing.</summary>
    private bool ShouldSkip(LabelStudioTask task) =>
        HasOurPrediction(task) || (_record.SkipExisting && task.Predictions is { Count: > 0 });

    private bool HasOurPrediction(LabelStudioTask task) => task.Predictions?.Any(p => VersionOf(p) is { } v && _ourVersions.ContainsKey(v)) == true;

    private static bool HasPrediction(LabelStudioTask task, string modelVersion) => task.Predictions?.Any(p => VersionOf(p) == modelVersion) == true;

    private static string? VersionOf(JsonElement prediction) =>
        prediction.ValueKind == JsonValueKind.Object && prediction.TryGetProperty("model_version", out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    private async Task RecordSkippedAsync(List<long> skipped)
    {
        if (skipped.Count == 0) return;
        var tasks = skipped.ToArray();
        skipped.Clear();
        await AppendAsync(CheckpointEntry.SkippedTasks(tasks));
        _job.Skip(tasks.Length);
        _services.Metrics.Tasks(_record.Backend, "skipped", tasks.Length);
    }

    private async Task FailAsync(long task, string reason)
    {
        await AppendAsync(CheckpointEntry.FailedTask(task, reason));
        _job.Fail(task, reason);
        _services.Metrics.Tasks(_record.Backend, "failed", 1);
    }

    private async Task AppendAsync(CheckpointEntry entry)
    {
        await _services.Store.AppendAsync(_record.Id, [entry], CancellationToken.None);
        lock (_progressGate) _progress.Apply(entry);
    }

    private Task ForEachBoundedAsync<T>(IReadOnlyList<T> items, Func<T, Task> body)
    {
        var limit = Math.Max(1, _services.Settings.TaskFetchConcurrency);
        if (items.Count <= 1 || limit == 1) return SequentialAsync(items, body);
        var gate = new SemaphoreSlim(limit);
        return Task.WhenAll(items.Select(async item =>
        {
            await gate.WaitAsync(Token);
            try
            {
                await body(item);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private static async Task SequentialAsync<T>(IReadOnlyList<T> items, Func<T, Task> body)
    {
        foreach (var item in items) await body(item);
    }
}
