using PluginHost.Metrics;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Training;

/// <summary>One training run of one backend and project: its state, progress and outcome. Thread-safe.</summary>
public sealed class TrainingJob
{
    private readonly object _gate = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly Action<TrainingJob> _onChanged;
    private string _state = TrainingJobStates.Queued;
    private string _stage = "queued";
    private double _progress;
    private string? _error;
    private string? _modelVersion;
    private int _examples;
    private int _coalesced;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _finishedAt;

    public TrainingJob(string backend, ProjectRef project, string trigger, Action<TrainingJob> onChanged)
        : this(Guid.NewGuid().ToString("N")[..16], backend, project, trigger, DateTimeOffset.UtcNow, 0, onChanged)
    {
        TrainingInstruments.Queued.Add(1, TrainingInstruments.Backend(backend));
    }

    /// <summary>A job queued elsewhere (another replica recorded it): its id, creation time and coalesced events come from the record.</summary>
    public TrainingJob(string id, string backend, ProjectRef project, string trigger, DateTimeOffset createdAt, int coalesced, Action<TrainingJob> onChanged)
    {
        Id = id;
        Backend = backend;
        Project = project;
        Trigger = trigger;
        CreatedAt = createdAt;
        _coalesced = coalesced;
        _onChanged = onChanged;
    }

    public string Id { get; }

    public string Backend { get; }

    public ProjectRef Project { get; }

    /// <summary>What started it: START_TRAINING, ANNOTATION_CREATED, TRAIN (legacy /train), LABEL_CONFIG_CHANGED…</summary>
    public string Trigger { get; }

    public DateTimeOffset CreatedAt { get; }

    public CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>The job's right to move its lane's active version (the cluster queue's lease); null when nothing else can train the lane.</summary>
    public ITrainingFence? Fence { get; init; }

    public string State
    {
        get { lock (_gate) return _state; }
    }

    public bool IsFinished => TrainingJobStates.IsFinished(State);

    /// <summary>Another event asked for training while this job waited: it trains once for all of them.</summary>
    public void Coalesce()
    {
        lock (_gate) _coalesced++;
        _onChanged(this);
    }

    public void Start()
    {
        lock (_gate)
        {
            _state = TrainingJobStates.Running;
            _startedAt = DateTimeOffset.UtcNow;
        }
        TrainingInstruments.Running.Add(1, TrainingInstruments.Backend(Backend));
        _onChanged(this);
    }

    public void Report(string stage, double progress, int? examples = null)
    {
        lock (_gate)
        {
            if (TrainingJobStates.IsFinished(_state)) return;
            _stage = stage;
            _progress = Math.Clamp(progress, _progress, 1);
            if (examples is { } n) _examples = n;
        }
        _onChanged(this);
    }

    /// <summary>Progress within the training step only (0–1 from the backend), frequent: not persisted each time.</summary>
    public void ReportTraining(double fraction)
    {
        lock (_gate)
        {
            if (_state != TrainingJobStates.Running) return;
            _progress = Math.Max(_progress, TrainingProgress.Train.Start + Math.Clamp(fraction, 0, 1) * (TrainingProgress.Train.End - TrainingProgress.Train.Start));
        }
    }

    public void Succeed(string modelVersion) => Finish(TrainingJobStates.Succeeded, null, modelVersion);

    public void Fail(string error) => Finish(TrainingJobStates.Failed, error, null);

    public void MarkCancelled(string reason) => Finish(TrainingJobStates.Cancelled, reason, null);

    /// <summary>Asks a running job to stop; returns false when it already finished.</summary>
    public bool RequestCancel()
    {
        if (IsFinished) return false;
        _cancellation.Cancel();
        return true;
    }

    public TrainingJobInfo Snapshot()
    {
        lock (_gate)
        {
            var end = _finishedAt ?? DateTimeOffset.UtcNow;
            return new TrainingJobInfo(Id, Backend, Project.Id, _state, _stage, Math.Round(_progress, 3), Trigger, _coalesced,
                _examples, _modelVersion, _error, CreatedAt, _startedAt, _finishedAt,
                _startedAt is { } started ? Math.Round((end - started).TotalSeconds, 3) : null);
        }
    }

    private void Finish(string state, string? error, string? modelVersion)
    {
        bool wasRunning;
        lock (_gate)
        {
            if (TrainingJobStates.IsFinished(_state)) return;
            wasRunning = _state == TrainingJobStates.Running;
            _state = state;
            _stage = state;
            _error = error;
            _modelVersion = modelVersion;
            if (state == TrainingJobStates.Succeeded) _progress = 1;
            _finishedAt = DateTimeOffset.UtcNow;
        }
        RecordOutcome(state, wasRunning);
        _onChanged(this);
    }

    private void RecordOutcome(string state, bool wasRunning)
    {
        var backend = TrainingInstruments.Backend(Backend);
        var outcome = TrainingInstruments.Outcome(state);
        TrainingInstruments.Finished.Add(1, backend, outcome);
        if (!wasRunning) return;
        TrainingInstruments.Running.Add(-1, backend);
        TrainingInstruments.Duration.Record((_finishedAt!.Value - _startedAt!.Value).TotalSeconds, backend, outcome);
    }
}

/// <summary>The progress ranges of a job's steps.</summary>
internal static class TrainingProgress
{
    public static readonly (double Start, double End) Data = (0.0, 0.1);
    public static readonly (double Start, double End) Train = (0.1, 0.85);
    public static readonly (double Start, double End) Activate = (0.85, 1.0);
}
