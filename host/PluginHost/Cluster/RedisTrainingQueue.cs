using System.Collections.Concurrent;
using System.Text.Json;
using PluginHost.Http;
using PluginHost.Sdk.Protocol;
using PluginHost.Training;
using StackExchange.Redis;

namespace PluginHost.Cluster;

/// <summary>
/// The cluster <see cref="ITrainingQueue"/>: each backend+project (a lane) runs at most one job in the whole cluster.
/// <list type="bullet">
/// <item>A lane's waiting job is one key in Redis, created or joined in one Lua script, so every replica that receives
/// START_TRAINING during a burst answers the same job id (coalescing as the embedded queue does).</item>
/// <item>A worker takes a lane by acquiring the lane's <see cref="RedisLease"/> (renewed every third of its time-to-live
/// while the job runs); losing it cancels the job. The job's record (state, progress, which replica runs it) is written
/// only while the lease holds, so <c>GET /&lt;backend&gt;/jobs/&lt;id&gt;</c> answers the same on every replica and a
/// stalled owner cannot overwrite its successor's record.</item>
/// <item>Activation is fenced (<see cref="LaneFence"/>): the active pointer moves only while the job holds the lease.</item>
/// <item>A lane whose job is still "running" but whose lease expired (its replica was killed) is taken by the next
/// worker that polls (every second, and at once on a <see cref="ClusterMessageKinds.TrainingQueued"/> message), which
/// re-runs the job from the stored annotations.</item>
/// <item>While Redis is away workers log and retry; a running job whose lease cannot be renewed for a whole
/// time-to-live stops (it cannot prove it still owns the lane) and is re-run once Redis is back.</item>
/// </list>
/// </summary>
public sealed class RedisTrainingQueue : ITrainingQueue
{
    private const string EnqueueScript = """
        local waiting = redis.call('GET', KEYS[1])
        if waiting then
          redis.call('HINCRBY', ARGV[5] .. waiting, 'coalesced', 1)
          return {waiting, 0}
        end
        redis.call('SET', KEYS[1], ARGV[1])
        redis.call('HSET', KEYS[3], 'json', ARGV[2], 'state', 'queued', 'coalesced', 0, 'project_raw', ARGV[6], 'project_title', ARGV[7])
        redis.call('PEXPIRE', KEYS[3], ARGV[4])
        redis.call('SADD', KEYS[2], ARGV[3])
        return {ARGV[1], 1}
        """;

    // Under the lane's lease: resume the job a dead owner left running, else start the waiting one, else retire the lane.
    private const string ClaimScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
        local running = redis.call('GET', KEYS[3])
        if running then
          local state = redis.call('HGET', ARGV[3] .. running, 'state')
          if state == 'queued' or state == 'running' then return {running, 'resume'} end
          redis.call('DEL', KEYS[3])
        end
        local waiting = redis.call('GET', KEYS[2])
        if waiting then
          redis.call('DEL', KEYS[2])
          redis.call('SET', KEYS[3], waiting)
          return {waiting, 'new'}
        end
        redis.call('SREM', KEYS[4], ARGV[2])
        return false
        """;

    private const string FencedRecordScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[2], 'json', ARGV[2], 'state', ARGV[3], 'replica', ARGV[4])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        return 1
        """;

    private const string CompleteScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        if redis.call('GET', KEYS[2]) == ARGV[2] then redis.call('DEL', KEYS[2]) end
        if redis.call('EXISTS', KEYS[3]) == 0 then redis.call('SREM', KEYS[4], ARGV[3]) end
        redis.call('DEL', KEYS[1])
        return 1
        """;

    private const string CancelWaitingScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          redis.call('HSET', KEYS[2], 'json', ARGV[2], 'state', 'cancelled')
          return 1
        end
        if redis.call('HGET', KEYS[2], 'state') == 'running' then redis.call('HSET', KEYS[2], 'cancel', 1) end
        return 0
        """;

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RecordLifetime = TimeSpan.FromDays(7);

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisLease _lease;
    private readonly ClusterBus _bus;
    private readonly ReplicaIdentity _self;
    private readonly RedisActiveVersionStore _activeVersions;
    private readonly ModelStore _models;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisTrainingQueue> _logger;
    private readonly string _prefix;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly LocalJournal? _deferred;
    private readonly ConcurrentDictionary<string, OwnedJob> _owned = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing = new();
    private readonly object _subscribeGate = new();
    private Task? _subscription;
    private DateTimeOffset _lastOutageLog;

    public RedisTrainingQueue(IConnectionMultiplexer redis, RedisLease lease, ClusterBus bus, ReplicaIdentity self,
        RedisActiveVersionStore activeVersions, ModelStore models, TimeProvider time, ILogger<RedisTrainingQueue> logger,
        TimeSpan? leaseTtl = null, string keyPrefix = "pluginhost", LocalJournal? deferredRequests = null)
    {
        _deferred = deferredRequests;
        _redis = redis;
        _lease = lease;
        _bus = bus;
        _self = self;
        _activeVersions = activeVersions;
        _models = models;
        _time = time;
        _logger = logger;
        _prefix = keyPrefix;
        LeaseTtl = leaseTtl ?? TimeSpan.FromSeconds(10);
    }

    /// <summary>How long a lane's lease lasts without renewal: the longest a killed trainer's lane waits for a new owner.</summary>
    public TimeSpan LeaseTtl { get; }

    public bool SharesModelDir => true;

    public async ValueTask<TrainingEnqueueResult> EnqueueAsync(string backend, ProjectRef project, string trigger, CancellationToken cancellationToken)
    {
        try
        {
            return await EnqueueInRedisAsync(backend, project, trigger);
        }
        catch (Exception ex) when (_deferred is not null && ex is RedisConnectionException or RedisTimeoutException)
        {
            // Label Studio never resends a webhook: keep the request and queue it once Redis is back.
            var entry = JsonSerializer.Serialize(new DeferredTraining(backend.ToLowerInvariant(), project.Id, project.Raw, project.Title, trigger),
                ClusterJsonContext.Default.DeferredTraining);
            await _deferred.AppendAsync(entry, cancellationToken);
            _logger.LogWarning("Redis is unreachable ({Error}): training of {Backend}/{Project} ({Trigger}) is journaled and queued when it is back",
                ex.Message, backend, project.Id, trigger);
            return new TrainingEnqueueResult("deferred-" + Guid.NewGuid().ToString("N")[..12], true);
        }
    }

    /// <summary>Queues the training requests journaled during an outage (the worker's poll calls it; a Redis error goes
    /// to the poll's own rate-limited warning and the entries wait for the next try).</summary>
    private async Task QueueDeferredAsync()
    {
        try
        {
            var queued = await _deferred!.ReplayAsync(async (entry, _) =>
            {
                var request = JsonSerializer.Deserialize(entry, ClusterJsonContext.Default.DeferredTraining)!;
                await EnqueueInRedisAsync(request.Backend, new ProjectRef(request.ProjectId, request.ProjectRaw, request.ProjectTitle), request.Trigger);
            }, CancellationToken.None);
            if (queued > 0) _logger.LogInformation("Queued {Count} training requests journaled while Redis was away", queued);
        }
        catch (IOException ex)
        {
            _logger.LogError("The journal of deferred training requests cannot be read: {Error}", ex.Message);
        }
    }

    private async Task<TrainingEnqueueResult> EnqueueInRedisAsync(string backend, ProjectRef project, string trigger)
    {
        backend = backend.ToLowerInvariant();
        var id = Guid.NewGuid().ToString("N")[..16];
        var queued = new TrainingJobInfo(id, backend, project.Id, TrainingJobStates.Queued, "queued", 0, trigger, 0, 0, null, null,
            _time.GetUtcNow(), null, null, null);
        var result = (RedisResult[])(await _redis.GetDatabase().ScriptEvaluateAsync(EnqueueScript,
            [WaitingKey(backend, project.Id), LanesKey, JobKey(id)],
            [id, Serialize(queued), Lane(backend, project.Id), (long)RecordLifetime.TotalMilliseconds, $"{_prefix}:train:job:",
             project.Raw ?? "", project.Title ?? ""]))!;
        var jobId = (string)result[0]!;
        var created = (long)result[1] == 1;
        if (created)
        {
            _logger.LogInformation("Training job {Job} queued for {Backend}/{Project} ({Trigger})", jobId, backend, project.Id, trigger);
            Wake();
            await PublishQuietlyAsync(ClusterMessageKinds.TrainingQueued, backend, project.Id, null);
        }
        return new TrainingEnqueueResult(jobId, created);
    }

    public async ValueTask<TrainingJobInfo?> FindAsync(string backend, string jobId, CancellationToken cancellationToken)
    {
        try
        {
            var record = await ReadRecordAsync(jobId);
            return record?.Info is { } info && info.Backend.Equals(backend, StringComparison.OrdinalIgnoreCase) ? info : null;
        }
        catch (RedisException) when (_owned.TryGetValue(jobId, out var owned))
        {
            // Redis away: this replica runs the job, so its own view is the freshest there is.
            return owned.Job.Backend.Equals(backend, StringComparison.OrdinalIgnoreCase) ? owned.Job.Snapshot() : null;
        }
    }

    public async ValueTask<TrainingJobInfo?> CancelAsync(string backend, string jobId, CancellationToken cancellationToken)
    {
        var record = await ReadRecordAsync(jobId);
        if (record?.Info is not { } info || !info.Backend.Equals(backend, StringComparison.OrdinalIgnoreCase)) return null;
        if (TrainingJobStates.IsFinished(info.State)) return info;
        var cancelled = info with
        {
            State = TrainingJobStates.Cancelled, Stage = TrainingJobStates.Cancelled, Error = "Cancelled before it started.", FinishedAt = _time.GetUtcNow(),
        };
        var wasWaiting = (long)await _redis.GetDatabase().ScriptEvaluateAsync(CancelWaitingScript,
            [WaitingKey(info.Backend, info.Project), JobKey(jobId)], [jobId, Serialize(cancelled)]) == 1;
        if (wasWaiting) return (await ReadRecordAsync(jobId))?.Info ?? cancelled;
        // Running somewhere: its owner stops it (at once by message, or at its next renewal by the record's flag).
        if (_owned.TryGetValue(jobId, out var owned)) owned.Job.RequestCancel();
        else await PublishQuietlyAsync(ClusterMessageKinds.TrainingCancel, info.Backend, info.Project, jobId);
        return info;
    }

    public TrainingJob? Take(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested && !_closing.IsCancellationRequested)
        {
            try
            {
                Subscription().GetAwaiter().GetResult();
                // Requests journaled during an outage are queued here too, not only on reconnect: the worker's poll is
                // the one place that retries every second until Redis takes them.
                if (_deferred is { HasEntries: true }) QueueDeferredAsync().GetAwaiter().GetResult();
                if (TryClaimAnyAsync().GetAwaiter().GetResult() is { } job) return job;
            }
            catch (RedisException ex)
            {
                if (_time.GetUtcNow() - _lastOutageLog > TimeSpan.FromSeconds(30))
                {
                    _lastOutageLog = _time.GetUtcNow();
                    _logger.LogWarning("Training waits for Redis ({Error}); retrying every second", ex.Message);
                }
                lock (_subscribeGate)
                    if (_subscription is { IsFaulted: true }) _subscription = null;
            }
            try
            {
                _wake.Wait(Poll, stopping);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
        return null;
    }

    public void Completed(TrainingJob job)
    {
        if (!_owned.TryRemove(job.Id, out var owned)) return;
        owned.StopRenewing();
        var (backend, project) = (job.Backend, job.Project.Id);
        try
        {
            if (_closing.IsCancellationRequested && job.State != TrainingJobStates.Succeeded)
            {
                // Shutting down: hand the lane over at once; the next owner re-runs the job.
                _lease.ReleaseAsync(owned.Grant).GetAwaiter().GetResult();
                return;
            }
            _redis.GetDatabase().ScriptEvaluate(CompleteScript,
                [_lease.LeaseKey(owned.Grant.Name), RunningKey(backend, project), WaitingKey(backend, project), LanesKey],
                [owned.Grant.Value, job.Id, Lane(backend, project)]);
        }
        catch (RedisException ex)
        {
            // The lease expires on its own; the next owner finds the job finished (or re-runs it if its end was not recorded).
            _logger.LogWarning("Could not release the lane of job {Job} ({Error}); it frees itself in {Ttl}", job.Id, ex.Message, LeaseTtl);
        }
        Wake();
    }

    /// <summary>Nothing to recover at start: a job a dead replica left running is taken over when its lease expires.</summary>
    public int RecoverInterrupted(Func<string, bool> ownsBackend) => 0;

    public void CancelAll(string reason)
    {
        _closing.Cancel();
        foreach (var owned in _owned.Values) owned.Job.RequestCancel();
    }

    public async ValueTask<IReadOnlyList<TrainingJobInfo>> RecentJobsAsync(CancellationToken cancellationToken) =>
        (await ActiveJobsAsync()).Select(j => j.Job).Reverse().ToList();

    /// <summary>The jobs queued or running in the cluster, with the replica that runs each (for /health).</summary>
    public async Task<IReadOnlyList<(TrainingJobInfo Job, string? Replica)>> ActiveJobsAsync()
    {
        var database = _redis.GetDatabase();
        var jobs = new List<(TrainingJobInfo, string?)>();
        foreach (var lane in await database.SetMembersAsync(LanesKey))
        {
            var parts = ((string)lane!).Split('|', 2);
            if (parts.Length != 2) continue;
            foreach (var key in new[] { RunningKey(parts[0], parts[1]), WaitingKey(parts[0], parts[1]) })
                if ((string?)await database.StringGetAsync(key) is { } id && await ReadRecordAsync(id) is { Info: { } info } record
                    && !TrainingJobStates.IsFinished(info.State))
                    jobs.Add((info, info.State == TrainingJobStates.Running ? record.Replica : null));
        }
        return jobs.OrderBy(j => j.Item1.CreatedAt).ToList();
    }

    private async Task<TrainingJob?> TryClaimAnyAsync()
    {
        var database = _redis.GetDatabase();
        var lanes = (await database.SetMembersAsync(LanesKey)).Select(l => (string)l!).ToArray();
        Random.Shared.Shuffle(lanes);
        foreach (var lane in lanes)
        {
            var parts = lane.Split('|', 2);
            if (parts.Length != 2) continue;
            var (backend, project) = (parts[0], parts[1]);
            if (_closing.IsCancellationRequested) return null;
            var grant = await _lease.TryAcquireAsync(LeaseName(backend, project), _self.Id, LeaseTtl);
            if (grant is null) continue;
            var claimed = await database.ScriptEvaluateAsync(ClaimScript,
                [_lease.LeaseKey(grant.Name), WaitingKey(backend, project), RunningKey(backend, project), LanesKey],
                [grant.Value, lane, $"{_prefix}:train:job:"]);
            if (claimed.IsNull || await ReadRecordAsync((string)((RedisResult[])claimed!)[0]!) is not { Info: { } info } record)
            {
                await _lease.ReleaseAsync(grant);
                continue;
            }
            var resumed = (string)((RedisResult[])claimed!)[1]! == "resume";
            return Own(info, record, grant, resumed);
        }
        return null;
    }

    private TrainingJob Own(TrainingJobInfo info, JobRecord record, LeaseGrant grant, bool resumed)
    {
        var project = new ProjectRef(info.Project, record.ProjectRaw, record.ProjectTitle);
        var leaseKey = _lease.LeaseKey(grant.Name);
        // The worker thread and the renewal loop both write the record: one at a time, each with a fresh snapshot, so an
        // older "running" never lands after "succeeded".
        var recordGate = new object();
        var job = new TrainingJob(info.Id, info.Backend, project, info.Trigger, info.CreatedAt, info.CoalescedEvents, changed => Record(changed, grant, recordGate))
        {
            Fence = new LaneFence(_activeVersions, grant, leaseKey),
        };
        // Whatever staging folders the lane has belong to an owner that died or lost it.
        var cleaned = _models.CleanStaging(info.Backend, info.Project);
        if (resumed)
            _logger.LogWarning("Taking over training job {Job} of {Backend}/{Project} from {Replica} (its lease expired); re-running it from the stored annotations, "
                + "{Staging} unfinished folders removed", info.Id, info.Backend, info.Project, record.Replica ?? "an unknown replica", cleaned);
        var owned = new OwnedJob(job, grant, recordGate);
        _owned[job.Id] = owned;
        owned.StartRenewing(RenewAsync);
        Record(job, grant, recordGate);
        return job;
    }

    /// <summary>Renews the lane's lease every third of its time-to-live while the job runs; refreshes the record's progress and
    /// picks up a cancel asked on another replica. A lease lost (or not renewable for a whole time-to-live) cancels the job.</summary>
    private async Task RenewAsync(OwnedJob owned, CancellationToken stop)
    {
        var lastRenewed = _time.GetUtcNow();
        using var timer = new PeriodicTimer(LeaseTtl / 3);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            try
            {
                if (!await _lease.RenewAsync(owned.Grant, LeaseTtl))
                {
                    owned.Lost($"lost the lease of {owned.Grant.Name} to another replica", _logger);
                    return;
                }
                lastRenewed = _time.GetUtcNow();
                Record(owned.Job, owned.Grant, owned.RecordGate);
                if (await _redis.GetDatabase().HashGetAsync(JobKey(owned.Job.Id), "cancel") == 1) owned.Job.RequestCancel();
            }
            catch (RedisException ex) when (_time.GetUtcNow() - lastRenewed < LeaseTtl)
            {
                _logger.LogWarning("Could not renew the lease of job {Job} ({Error}); retrying", owned.Job.Id, ex.Message);
            }
            catch (RedisException ex)
            {
                owned.Lost($"could not renew its lease for {LeaseTtl} ({ex.Message})", _logger);
                return;
            }
        }
    }

    /// <summary>Writes the job's record while it holds the lane (a stalled owner's writes are dropped). Never throws: the record
    /// is for callers' eyes, the job itself goes on.</summary>
    private void Record(TrainingJob job, LeaseGrant grant, object recordGate)
    {
        lock (recordGate)
        {
            // A job stopped by this replica's shutdown is not over for the cluster: its next owner re-runs it.
            if (_closing.IsCancellationRequested && job.State == TrainingJobStates.Cancelled) return;
            var info = job.Snapshot();
            try
            {
                _redis.GetDatabase().ScriptEvaluate(FencedRecordScript, [_lease.LeaseKey(grant.Name), JobKey(job.Id)],
                    [grant.Value, Serialize(info), info.State, _self.Id, (long)RecordLifetime.TotalMilliseconds]);
            }
            catch (RedisException ex)
            {
                _logger.LogWarning("Could not record job {Job} ({Error})", job.Id, ex.Message);
            }
        }
    }

    private async Task<JobRecord?> ReadRecordAsync(string jobId)
    {
        var fields = (await _redis.GetDatabase().HashGetAllAsync(JobKey(jobId))).ToDictionary(e => (string)e.Name!, e => e.Value);
        if (!fields.TryGetValue("json", out var json) || json.IsNullOrEmpty) return null;
        var info = JsonSerializer.Deserialize((string)json!, HostJson.Info<TrainingJobInfo>());
        var coalesced = fields.TryGetValue("coalesced", out var c) && c.TryParse(out int n) ? n : 0;
        return new JobRecord(info is null ? null : info with { CoalescedEvents = Math.Max(info.CoalescedEvents, coalesced) },
            fields.TryGetValue("replica", out var r) && !r.IsNullOrEmpty ? (string?)r : null,
            fields.TryGetValue("project_raw", out var raw) && !raw.IsNullOrEmpty ? (string?)raw : null,
            fields.TryGetValue("project_title", out var title) && !title.IsNullOrEmpty ? (string?)title : null);
    }

    private void OnMessage(ClusterMessage message)
    {
        if (message.Kind == ClusterMessageKinds.TrainingQueued) Wake();
        else if (message.Kind == ClusterMessageKinds.TrainingCancel && message.Version is { } id && _owned.TryGetValue(id, out var owned))
            owned.Job.RequestCancel();
    }

    /// <summary>Subscribes once (again after a failed attempt while Redis was away).</summary>
    private Task Subscription()
    {
        lock (_subscribeGate) return _subscription ??= _bus.SubscribeAsync(OnMessage);
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0) _wake.Release();
    }

    private async Task PublishQuietlyAsync(string kind, string backend, string project, string? jobId)
    {
        try
        {
            await _bus.PublishAsync(kind, backend, project, jobId);
        }
        catch (RedisException ex)
        {
            // The others find the lane on their next poll (within a second).
            _logger.LogWarning("Could not announce {Kind} for {Backend}/{Project} ({Error})", kind, backend, project, ex.Message);
        }
    }

    private static string Serialize(TrainingJobInfo info) => JsonSerializer.Serialize(info, HostJson.Info<TrainingJobInfo>());

    private static string Lane(string backend, string project) => $"{backend}|{project}";

    private static string LeaseName(string backend, string project) => $"train:{backend}:{project}";

    private RedisKey LanesKey => $"{_prefix}:train:lanes";

    private RedisKey WaitingKey(string backend, string project) => $"{_prefix}:train:waiting:{backend.ToLowerInvariant()}:{project}";

    private RedisKey RunningKey(string backend, string project) => $"{_prefix}:train:running:{backend.ToLowerInvariant()}:{project}";

    private RedisKey JobKey(string id) => $"{_prefix}:train:job:{id}";

    private sealed record JobRecord(TrainingJobInfo? Info, string? Replica, string? ProjectRaw, string? ProjectTitle);

    /// <summary>A job this replica runs, with its lease and the loop that renews it.</summary>
    private sealed class OwnedJob(TrainingJob job, LeaseGrant grant, object recordGate)
    {
        private readonly CancellationTokenSource _stop = new();

        public TrainingJob Job { get; } = job;

        public LeaseGrant Grant { get; } = grant;

        /// <summary>Serializes the writes of the job's record.</summary>
        public object RecordGate { get; } = recordGate;

        public void StartRenewing(Func<OwnedJob, CancellationToken, Task> renew) =>
            _ = Task.Run(async () =>
            {
                try
                {
                    await renew(this, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            });

        public void StopRenewing() => _stop.Cancel();

        public void Lost(string why, ILogger logger)
        {
            logger.LogWarning("Training job {Job} stops: this replica {Why}", Job.Id, why);
            Job.RequestCancel();
        }
    }
}
