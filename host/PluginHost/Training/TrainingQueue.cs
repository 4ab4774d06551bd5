using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Training;

/// <summary>
/// The training jobs of every backend and project. Per backend+project (a lane) at most one job runs and at most one
/// waits: events arriving while a job waits join it (coalesce), so a burst of annotations trains once after the
/// running job. Worker threads (<see cref="TrainingWorker"/>) take ready lanes in order.
/// </summary>
public sealed class TrainingQueue : ITrainingQueue
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Backend, string Project), Lane> _lanes = new();
    private readonly ConcurrentDictionary<string, TrainingJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _finishedOrder = new();
    private readonly BlockingCollection<(string Backend, string Project)> _ready = new();
    private readonly TrainingJobLog _log;
    private readonly HostTrainingSettings _settings;
    private readonly ILogger<TrainingQueue> _logger;

    public TrainingQueue(TrainingJobLog log, IOptions<HostTrainingSettings> settings, ILogger<TrainingQueue> logger)
    {
        _log = log;
        _settings = settings.Value;
        _logger = logger;
    }

    public ValueTask<TrainingEnqueueResult> EnqueueAsync(string backend, ProjectRef project, string trigger, CancellationToken cancellationToken)
    {
        var key = (backend.ToLowerInvariant(), project.Id);
        TrainingJob job;
        TrainingJob? joined = null;
        lock (_gate)
        {
            if (!_lanes.TryGetValue(key, out var lane)) _lanes[key] = lane = new Lane();
            if (lane.Waiting is { } waiting)
            {
                joined = waiting;
                job = waiting;
            }
            else
            {
                job = new TrainingJob(key.Item1, project, trigger, Persist);
                lane.Waiting = job;
                _jobs[job.Id] = job;
                if (lane.Running is null) _ready.Add(key);
            }
        }
        if (joined is not null)
        {
            joined.Coalesce();
            return ValueTask.FromResult(new TrainingEnqueueResult(joined.Id, false));
        }
        Persist(job);
        _logger.LogInformation("Training job {Job} queued for {Backend}/{Project} ({Trigger})", job.Id, job.Backend, project.Id, trigger);
        return ValueTask.FromResult(new TrainingEnqueueResult(job.Id, true));
    }

    public ValueTask<TrainingJobInfo?> FindAsync(string backend, string jobId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Find(backend, jobId));

    /// <summary>The job, from memory or (after a restart) from the record; null when unknown.</summary>
    private TrainingJobInfo? Find(string backend, string id)
    {
        if (_jobs.TryGetValue(id, out var job))
            return job.Backend.Equals(backend, StringComparison.OrdinalIgnoreCase) ? job.Snapshot() : null;
        var stored = _log.Load(id);
        return stored is not null && stored.Backend.Equals(backend, StringComparison.OrdinalIgnoreCase) ? stored : null;
    }

    /// <summary>The running and waiting job of a lane, for tests and /health.</summary>
    public (TrainingJob? Running, TrainingJob? Waiting) LaneOf(string backend, string projectId)
    {
        lock (_gate)
            return _lanes.TryGetValue((backend.ToLowerInvariant(), projectId), out var lane) ? (lane.Running, lane.Waiting) : (null, null);
    }

    /// <summary>The jobs in memory (waiting, running and the last finished ones), newest first: for the status page.</summary>
    public IReadOnlyList<TrainingJobInfo> RecentJobs() =>
        _jobs.Values.Select(j => j.Snapshot()).OrderByDescending(j => j.CreatedAt).ToList();

    public ValueTask<IReadOnlyList<TrainingJobInfo>> RecentJobsAsync(CancellationToken cancellationToken) => ValueTask.FromResult(RecentJobs());

    public ValueTask<TrainingJobInfo?> CancelAsync(string backend, string jobId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Cancel(backend, jobId));

    /// <summary>Cancels a waiting job at once, or asks a running one to stop. Null when the job is unknown.</summary>
    private TrainingJobInfo? Cancel(string backend, string id)
    {
        if (!_jobs.TryGetValue(id, out var job) || !job.Backend.Equals(backend, StringComparison.OrdinalIgnoreCase))
            return Find(backend, id);
        lock (_gate)
        {
            if (_lanes.TryGetValue((job.Backend, job.Project.Id), out var lane) && ReferenceEquals(lane.Waiting, job))
            {
                lane.Waiting = null;
                job.MarkCancelled("Cancelled before it started.");
                Forget(job);
                return job.Snapshot();
            }
        }
        job.RequestCancel();
        return job.Snapshot();
    }

    public TrainingJob? Take(CancellationToken stopping)
    {
        while (true)
        {
            (string, string) key;
            try
            {
                key = _ready.Take(stopping);
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
            {
                return null;
            }
            lock (_gate)
            {
                if (!_lanes.TryGetValue(key, out var lane) || lane.Running is not null || lane.Waiting is null) continue;
                lane.Running = lane.Waiting;
                lane.Waiting = null;
                return lane.Running;
            }
        }
    }

    public void Completed(TrainingJob job)
    {
        lock (_gate)
        {
            var key = (job.Backend, job.Project.Id);
            if (_lanes.TryGetValue(key, out var lane) && ReferenceEquals(lane.Running, job))
            {
                lane.Running = null;
                if (lane.Waiting is not null) _ready.Add(key);
            }
        }
        Forget(job);
    }

    public void CancelAll(string reason)
    {
        _ready.CompleteAdding();
        foreach (var job in _jobs.Values)
        {
            lock (_gate)
            {
                if (_lanes.TryGetValue((job.Backend, job.Project.Id), out var lane) && ReferenceEquals(lane.Waiting, job))
                {
                    lane.Waiting = null;
                    job.MarkCancelled(reason);
                    continue;
                }
            }
            job.RequestCancel();
        }
    }

    public int RecoverInterrupted(Func<string, bool> ownsBackend)
    {
        // A fresh MODEL_DIR has no record to recover (and creating one here would make it non-empty).
        if (!_log.Exists) return 0;
        var count = 0;
        foreach (var info in _log.LoadInState(TrainingJobStates.Queued, TrainingJobStates.Running))
        {
            if (_jobs.ContainsKey(info.Id) || !ownsBackend(info.Backend)) continue;
            var failed = info with
            {
                State = TrainingJobStates.Failed,
                Stage = TrainingJobStates.Failed,
                Error = "Interrupted: the host stopped while this job was " + info.State + "; the previous model version stayed active.",
                FinishedAt = DateTimeOffset.UtcNow,
            };
            _log.Save(failed);
            count++;
        }
        _log.Prune(_settings.JobHistory);
        return count;
    }

    private void Persist(TrainingJob job)
    {
        var info = job.Snapshot();
        try
        {
            _log.Save(info);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Could not record job {Job}", info.Id);
        }
    }

    /// <summary>Keeps the last finished jobs in memory; older ones are answered from the store.</summary>
    private void Forget(TrainingJob job)
    {
        _finishedOrder.Enqueue(job.Id);
        while (_finishedOrder.Count > _settings.JobHistory && _finishedOrder.TryDequeue(out var old))
            _jobs.TryRemove(old, out _);
    }

    private sealed class Lane
    {
        public TrainingJob? Running;
        public TrainingJob? Waiting;
    }
}
