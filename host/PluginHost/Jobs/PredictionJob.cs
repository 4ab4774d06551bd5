using System.Diagnostics;
using PluginHost.Jobs.Checkpoints;
using PluginHost.Sdk.Data;

namespace PluginHost.Jobs;

/// <summary>
/// One running (or finished) prediction job: its definition, live counters, failures and state. Thread-safe; every
/// change bumps <see cref="Version"/> and wakes <see cref="WaitForChangeAsync"/> (what server-sent events follow).
/// </summary>
internal sealed class PredictionJob
{
    private readonly object _gate = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly List<FailedTask> _failures = [];
    private readonly HashSet<string> _modelVersions = new(StringComparer.Ordinal);
    private readonly int _maxListedFailures;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PredictionJobRecord _record;
    private long _version;
    private int _done;
    private int _skipped;
    private int _failed;
    private int _droppedRegions;
    private int _settledAtStart;
    private long _runStarted;
    private DateTimeOffset? _startedAt;

    public PredictionJob(PredictionJobRecord record, LabelStudioConnection? connection, int maxListedFailures)
    {
        _record = record;
        Connection = connection;
        _maxListedFailures = maxListedFailures;
    }

    public string Id => _record.Id;

    public string Backend => _record.Backend;

    public string Project => _record.Project;

    /// <summary>The connection given with the request (never persisted); null uses the configured or /setup one.</summary>
    public LabelStudioConnection? Connection { get; }

    public PredictionJobRecord Record
    {
        get { lock (_gate) return _record; }
    }

    public string State => Record.State;

    public bool IsFinished => PredictionJobStates.IsFinished(State);

    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>Set when a user cancelled (as opposed to the host stopping).</summary>
    public bool CancelRequested { get; private set; }

    public long Version => Interlocked.Read(ref _version);

    /// <summary>Restores the counters of a resumed job from its journal.</summary>
    public void Restore(JobProgress progress)
    {
        lock (_gate)
        {
            _done = progress.Posted.Count;
            _skipped = progress.Skipped.Count;
            _failed = progress.Failed.Count;
            foreach (var (task, reason) in progress.Failed.Take(_maxListedFailures)) _failures.Add(new FailedTask(task, reason));
            _modelVersions.UnionWith(progress.ModelVersions);
        }
        Changed();
    }

    public PredictionJobRecord Start()
    {
        lock (_gate)
        {
            _record = _record with { State = PredictionJobStates.Running, Error = null };
            _startedAt = DateTimeOffset.UtcNow;
            _runStarted = Stopwatch.GetTimestamp();
            _settledAtStart = _done + _skipped + _failed;
        }
        Changed();
        return Record;
    }

    public void SetTotal(int total)
    {
        lock (_gate) _record = _record with { Total = total };
        Changed();
    }

    public void AddModelVersion(string version)
    {
        lock (_gate) _modelVersions.Add(version);
    }

    public void Predicted(int count, int droppedRegions)
    {
        lock (_gate)
        {
            _done += count;
            _droppedRegions += droppedRegions;
        }
        Changed();
    }

    public void Skip(int count)
    {
        if (count == 0) return;
        lock (_gate) _skipped += count;
        Changed();
    }

    public void Fail(long task, string reason)
    {
        lock (_gate)
        {
            _failed++;
            if (_failures.Count < _maxListedFailures) _failures.Add(new FailedTask(task, reason));
        }
        Changed();
    }

    /// <summary>Ends the job; returns the record to persist (null when it had already ended).</summary>
    public PredictionJobRecord? Finish(string state, string? error)
    {
        lock (_gate)
        {
            if (PredictionJobStates.IsFinished(_record.State)) return null;
            _record = _record with
            {
                State = state,
                Error = error,
                FinishedAt = state == PredictionJobStates.Interrupted ? null : DateTimeOffset.UtcNow,
            };
        }
        Changed();
        return Record;
    }

    /// <summary>Asks the job to stop: a user's cancel (<paramref name="byUser"/>) or the host stopping.</summary>
    public void RequestStop(bool byUser)
    {
        if (byUser) CancelRequested = true;
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Completes when the job changed after <paramref name="seenVersion"/> (or at once when it already has).</summary>
    public Task WaitForChangeAsync(long seenVersion, CancellationToken cancellationToken)
    {
        Task changed;
        lock (_gate) changed = Interlocked.Read(ref _version) != seenVersion ? Task.CompletedTask : _changed.Task;
        return changed.WaitAsync(cancellationToken);
    }

    public PredictionJobInfo Snapshot()
    {
        lock (_gate)
        {
            var record = _record;
            var settled = _done + _skipped + _failed;
            var pending = record.Total is { } total ? Math.Max(0, total - settled) : 0;
            var running = record.State == PredictionJobStates.Running;
            var seconds = _runStarted == 0 ? 0 : Stopwatch.GetElapsedTime(_runStarted).TotalSeconds;
            var rate = running && seconds > 0 ? (settled - _settledAtStart) / seconds : 0;
            double? eta = running && rate > 0 && record.Total is not null ? Math.Round(pending / rate, 1) : null;
            var progress = record.Total is > 0 ? Math.Round((double)settled / record.Total.Value, 4) : PredictionJobStates.IsFinished(record.State) ? 1 : 0;
            return new PredictionJobInfo(record.Id, "predict", record.Backend, record.Project, record.Selection.Describe(), record.State, record.Total,
                _done, _skipped, _failed, pending, progress, Math.Round(rate, 1), eta, _droppedRegions, _modelVersions.ToList(), _failures.ToList(),
                record.Error, record.CreatedAt, _startedAt, record.FinishedAt, record.BatchSize, record.Concurrency, record.SkipExisting, record.Resumed);
        }
    }

    private void Changed()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            Interlocked.Increment(ref _version);
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        previous.TrySetResult();
    }
}
