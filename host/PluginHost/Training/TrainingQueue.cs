using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PluginHost.Http;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Training;

/// <summary>
/// The training jobs of every backend and project. Per backend+project (a lane) at most one job runs and at most one
/// waits: events arriving while a job waits join it (coalesce), so a burst of annotations trains once after the
/// running job. Worker threads (<see cref="TrainingWorker"/>) take ready lanes in order.
/// </summary>
public sealed class TrainingQueue
{
    private readonly object _gate = new();
    private readonly Dictionary<(string Backend, string Project), Lane> _lanes = new();
    private readonly ConcurrentDictionary<string, TrainingJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _finishedOrder = new();
    private readonly BlockingCollection<(string Backend, string Project)> _ready = new();
    private readonly AnnotationStore _store;
    private readonly HostTrainingSettings _settings;
    private readonly ILogger<TrainingQueue> _logger;

    public TrainingQueue(AnnotationStore store, IConfiguration configuration, ILogger<TrainingQueue> logger)
    {
        _store = store;
        _settings = configuration.GetSection(HostTrainingSettings.Section).Get<HostTrainingSettings>() ?? new HostTrainingSettings();
        _logger = logger;
    }

    /// <summary>Queues training for a project, or joins the job already waiting for it. Returns the job and whether it is new.</summary>
    public (TrainingJob Job, bool Created) Enqueue(string backend, ProjectRef project, string trigger)
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
            return (joined, false);
        }
        Persist(job);
        _logger.LogInformation("Training job {Job} queued for {Backend}/{Project} ({Trigger})", job.Id, job.Backend, project.Id, trigger);
        return (job, true);
    }

    /// <summary>The job, from memory or (after a restart) from the store; null when unknown.</summary>
    public TrainingJobInfo? Find(string backend, string id)
    {
        if (_jobs.TryGetValue(id, out var job))
            return job.Backend.Equals(backend, StringComparison.OrdinalIgnoreCase) ? job.Snapshot() : null;
        var json = _store.LoadJob(id);
        var stored = json is null ? null : JsonSerializer.Deserialize(json, HostJson.Info<TrainingJobInfo>());
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

    /// <summary>Cancels a waiting job at once, or asks a running one to stop. Null when the job is unknown.</summary>
    public TrainingJobInfo? Cancel(string backend, string id)
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

    /// <summary>Blocks until a lane has a job to run (called by a worker thread); null when the queue is closed.</summary>
    internal TrainingJob? Take(CancellationToken stopping)
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

    /// <summary>Called by the worker when a job finished: the lane's waiting job (if any) becomes ready.</summary>
    internal void Completed(TrainingJob job)
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

    /// <summary>Cancels every job (host shutdown).</summary>
    internal void CancelAll(string reason)
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

    /// <summary>Jobs a previous process left queued or running: it died, so they failed.</summary>
    internal int FailInterrupted()
    {
        var count = 0;
        foreach (var json in _store.LoadJobsInState(TrainingJobStates.Queued, TrainingJobStates.Running))
        {
            var info = JsonSerializer.Deserialize(json, HostJson.Info<TrainingJobInfo>());
            if (info is null || _jobs.ContainsKey(info.Id)) continue;
            var failed = info with
            {
                State = TrainingJobStates.Failed,
                Stage = TrainingJobStates.Failed,
                Error = "Interrupted: the host stopped while this job was " + info.State + "; the previous model version stayed active.",
                FinishedAt = DateTimeOffset.UtcNow,
            };
            _store.SaveJob(failed.Id, failed.Backend, failed.Project, failed.State, JsonSerializer.Serialize(failed, HostJson.Info<TrainingJobInfo>()));
            count++;
        }
        _store.PruneJobs(_settings.JobHistory);
        return count;
    }

    private void Persist(TrainingJob job)
    {
        var info = job.Snapshot();
        try
        {
            _store.SaveJob(info.Id, info.Backend, info.Project, info.State, JsonSerializer.Serialize(info, HostJson.Info<TrainingJobInfo>()));
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

/// <summary>The worker threads that run training jobs, at low priority, off the request path.</summary>
internal sealed class TrainingWorker(
    TrainingQueue queue,
    TrainingJobRunner runner,
    ModelStore modelStore,
    AnnotationStore store,
    IConfiguration configuration,
    ILogger<TrainingWorker> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Thread> _threads = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = configuration.GetSection(HostTrainingSettings.Section).Get<HostTrainingSettings>() ?? new HostTrainingSettings();
        try
        {
            var cleaned = modelStore.CleanStaging();
            var interrupted = File.Exists(store.Path) ? queue.FailInterrupted() : 0;
            if (cleaned + interrupted > 0)
                logger.LogWarning("Recovered from an interrupted run: removed {Staging} unfinished model folders, marked {Jobs} jobs failed", cleaned, interrupted);
        }
        catch (Exception ex)
        {
            // Recovery is housekeeping: the host must start and serve predictions even when MODEL_DIR misbehaves.
            logger.LogError(ex, "Could not clean up after an interrupted run");
        }
        for (var i = 0; i < Math.Max(1, settings.Workers); i++)
            _threads.Add(LowPriorityThread.Start($"training-{i}", settings.Nice, WorkLoop, logger));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        queue.CancelAll("Cancelled: the host is stopping.");
        foreach (var thread in _threads)
            if (!thread.Join(TimeSpan.FromSeconds(10))) logger.LogWarning("Training thread {Thread} did not stop in time", thread.Name);
        return Task.CompletedTask;
    }

    private void WorkLoop()
    {
        while (queue.Take(_stopping.Token) is { } job)
        {
            try
            {
                LowPriorityThread.Run(() => runner.RunAsync(job));
            }
            catch (Exception ex)
            {
                // RunAsync records its own failures; this is a bug guard so the thread never dies.
                logger.LogError(ex, "Training job {Job} crashed", job.Id);
                job.Fail($"{ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                queue.Completed(job);
            }
        }
    }
}
