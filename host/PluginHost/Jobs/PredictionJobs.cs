using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PluginHost.Backends;
using PluginHost.Jobs.Checkpoints;
using PluginHost.Sdk.Data;
using PluginHost.Training;

namespace PluginHost.Jobs;

/// <summary>
/// The prediction jobs of the host: starts them (each on its own low-priority thread), finds, lists and cancels them,
/// resumes the ones a previous run left unfinished, and interrupts the running ones (resumable) when the host stops.
/// </summary>
internal sealed class PredictionJobs : IHostedService
{
    private static readonly HashSet<string> Resumable = new(StringComparer.Ordinal)
    {
        PredictionJobStates.Queued, PredictionJobStates.Running, PredictionJobStates.Interrupted,
    };

    private readonly IJobCheckpointStore _store;
    private readonly PredictionJobRunner _runner;
    private readonly BackendRegistry _registry;
    private readonly JobSettings _settings;
    private readonly ILogger<PredictionJobs> _logger;
    private readonly ConcurrentDictionary<string, PredictionJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _finishedOrder = new();

    public PredictionJobs(IJobCheckpointStore store, PredictionJobRunner runner, BackendRegistry registry, IOptions<JobSettings> settings,
        ILogger<PredictionJobs> logger)
    {
        _store = store;
        _runner = runner;
        _registry = registry;
        _settings = settings.Value;
        _logger = logger;
    }

    /// <summary>Jobs known to this process (running first, then the newest).</summary>
    public IReadOnlyList<PredictionJob> All =>
        _jobs.Values.OrderBy(j => j.IsFinished).ThenByDescending(j => j.Record.CreatedAt).ToList();

    /// <summary>Validates the request, records the job and starts it; returns at once.</summary>
    /// <exception cref="JobRequestException">The request is invalid (400) or the backend unknown (404).</exception>
    public async Task<PredictionJob> StartAsync(string backend, PredictionJobRequest request, CancellationToken cancellationToken)
    {
        if (!_registry.TryGet(backend, out var slot)) throw new JobRequestException(404, $"Unknown backend '{backend}'.");
        var record = new PredictionJobRecord
        {
            Id = "pj-" + Guid.NewGuid().ToString("N")[..12],
            Backend = slot.Name,
            Project = ProjectOf(request),
            Selection = SelectionOf(request),
            BatchSize = Bounded(request.BatchSize, _settings.BatchSize, _settings.MaxBatchSize, "batch_size"),
            Concurrency = Bounded(request.Concurrency, _settings.Concurrency, _settings.MaxConcurrency, "concurrency"),
            SkipExisting = request.SkipExisting ?? true,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await _store.SaveAsync(record, cancellationToken);
        var connection = request.LabelStudioUrl is { Length: > 0 } || request.ApiKey is { Length: > 0 }
            ? new LabelStudioConnection(Blank(request.LabelStudioUrl), Blank(request.ApiKey))
            : null;
        var job = new PredictionJob(record, connection, _settings.MaxListedFailures);
        Launch(job, new JobProgress());
        _logger.LogInformation("Prediction job {Job} started: {Backend}, project {Project}, {Selection}", record.Id, record.Backend, record.Project,
            record.Selection.Describe());
        return job;
    }

    /// <summary>Resumes a recorded job where its journal ends (optionally with a connection for this run).</summary>
    public async Task<PredictionJob?> ResumeAsync(string id, LabelStudioConnection? connection, CancellationToken cancellationToken)
    {
        if (_jobs.TryGetValue(id, out var known) && !known.IsFinished) return known;
        if (await _store.LoadAsync(id, cancellationToken) is not var (record, progress)) return null;
        record = record with { Resumed = record.Resumed + 1, State = PredictionJobStates.Queued, Error = null, FinishedAt = null };
        var job = new PredictionJob(record, connection, _settings.MaxListedFailures);
        job.Restore(progress);
        Launch(job, progress);
        _logger.LogInformation("Prediction job {Job} resumed: {Settled} task(s) already settled", id, progress.Posted.Count + progress.Skipped.Count + progress.Failed.Count);
        return job;
    }

    /// <summary>The recorded jobs a previous run did not finish.</summary>
    public async Task<IReadOnlyList<PredictionJobRecord>> UnfinishedAsync(CancellationToken cancellationToken) =>
        (await _store.ListAsync(cancellationToken)).Where(r => Resumable.Contains(r.State) && !_jobs.ContainsKey(r.Id)).ToList();

    /// <summary>A job of <paramref name="backend"/>, from memory or from the store; null when unknown.</summary>
    public async Task<PredictionJob?> FindAsync(string backend, string id, CancellationToken cancellationToken)
    {
        if (!_jobs.TryGetValue(id, out var job))
        {
            if (!id.StartsWith("pj-", StringComparison.Ordinal) || await _store.LoadAsync(id, cancellationToken) is not var (record, progress)) return null;
            job = new PredictionJob(record, null, _settings.MaxListedFailures);
            job.Restore(progress);
        }
        return job.Backend.Equals(backend, StringComparison.OrdinalIgnoreCase) ? job : null;
    }

    /// <summary>Asks a running job to stop; it ends as cancelled (and is not resumed).</summary>
    public async Task<PredictionJob?> CancelAsync(string backend, string id, CancellationToken cancellationToken)
    {
        var job = await FindAsync(backend, id, cancellationToken);
        if (job is null) return null;
        if (!_running.ContainsKey(job.Id) && !job.IsFinished && job.Finish(PredictionJobStates.Cancelled, "Cancelled.") is { } record)
            await _store.SaveAsync(record, cancellationToken);
        job.RequestStop(byUser: true);
        return job;
    }

    /// <summary>Waits until the job's thread ended (tests and the command line).</summary>
    public Task WhenEndedAsync(string id) => _running.TryGetValue(id, out var running) ? running : Task.CompletedTask;

    Task IHostedService.StartAsync(CancellationToken cancellationToken)
    {
        if (!_settings.ResumeOnStart) return Task.CompletedTask;
        // In the background: the host must not wait for the store to start serving.
        _ = Task.Run(async () =>
        {
            try
            {
                foreach (var record in await UnfinishedAsync(CancellationToken.None)) await ResumeAsync(record.Id, null, CancellationToken.None);
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Could not resume the unfinished prediction jobs");
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    async Task IHostedService.StopAsync(CancellationToken cancellationToken)
    {
        foreach (var job in _jobs.Values) job.RequestStop(byUser: false);
        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("Prediction jobs did not stop within 10 s; their journals let them resume");
        }
    }

    private void Launch(PredictionJob job, JobProgress progress)
    {
        _jobs[job.Id] = job;
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running[job.Id] = ended.Task;
        LowPriorityThread.Start($"job-{job.Id}", _settings.Nice, () =>
        {
            try
            {
                LowPriorityThread.Run(() => _runner.RunAsync(job, progress));
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Prediction job {Job} thread failed", job.Id);
            }
            finally
            {
                _running.TryRemove(job.Id, out _);
                ended.TrySetResult();
                Forget(job);
            }
        }, _logger);
    }

    /// <summary>Keeps the last finished jobs in memory; older ones are read back from the store when asked for.</summary>
    private void Forget(PredictionJob job)
    {
        _finishedOrder.Enqueue(job.Id);
        while (_finishedOrder.Count > _settings.History && _finishedOrder.TryDequeue(out var old))
            if (!_running.ContainsKey(old)) _jobs.TryRemove(old, out _);
    }

    private static string ProjectOf(PredictionJobRequest request)
    {
        var project = request.Project?.Trim();
        if (string.IsNullOrEmpty(project))
            throw new JobRequestException(400, "The job needs 'project': the Label Studio project id whose tasks to pre-annotate.");
        // Label Studio's /setup form "<id>.<timestamp>" is accepted too.
        var id = Sdk.Protocol.ProjectRef.FromString(project).Id;
        if (!long.TryParse(id, out var number) || number <= 0)
            throw new JobRequestException(400, $"'project' must be a Label Studio project id (a positive integer), not '{project}'.");
        return id;
    }

    private static TaskSelection SelectionOf(PredictionJobRequest request)
    {
        var chosen = (request.Tasks is not null ? 1 : 0) + (request.View is not null ? 1 : 0) + (request.All == true ? 1 : 0);
        if (chosen > 1) throw new JobRequestException(400, "Give one of 'tasks', 'view' and 'all', not several.");
        if (request.Tasks is { } tasks)
        {
            if (tasks.Count == 0 || tasks.Any(t => t <= 0)) throw new JobRequestException(400, "'tasks' must list positive task ids.");
            return TaskSelection.OfTasks(tasks.Distinct().ToList());
        }
        if (request.View is { } view)
        {
            if (view <= 0) throw new JobRequestException(400, "'view' must be a positive Data Manager view id.");
            return TaskSelection.OfView(view);
        }
        return TaskSelection.All;
    }

    private static int Bounded(int? value, int fallback, int max, string name)
    {
        if (value is null) return Math.Clamp(fallback, 1, max);
        if (value < 1 || value > max) throw new JobRequestException(400, $"'{name}' must be between 1 and {max}, not {value}.");
        return value.Value;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
