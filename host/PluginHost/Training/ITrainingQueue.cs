using PluginHost.Sdk.Protocol;

namespace PluginHost.Training;

/// <summary>
/// The training jobs of every backend+project (a lane): at most one runs and at most one waits per lane; events
/// arriving while a job waits join it (coalesce). Embedded: <see cref="TrainingQueue"/>, in memory with a SQLite record.
/// A cluster implementation runs each lane's job on one replica at a time under a lease (renewed while the job runs,
/// with a fencing token); losing the lease cancels <see cref="TrainingJob.CancellationToken"/>.
/// </summary>
public interface ITrainingQueue
{
    /// <summary>Queues training for a project, or joins the job already waiting for it.</summary>
    ValueTask<TrainingEnqueueResult> EnqueueAsync(string backend, ProjectRef project, string trigger, CancellationToken cancellationToken);

    /// <summary>The job's state (also after a restart, from the record); null when unknown to this backend.</summary>
    ValueTask<TrainingJobInfo?> FindAsync(string backend, string jobId, CancellationToken cancellationToken);

    /// <summary>The jobs to show on the status page, newest first: embedded, those in memory (waiting, running, the last
    /// finished); in a cluster, those queued or running anywhere.</summary>
    ValueTask<IReadOnlyList<TrainingJobInfo>> RecentJobsAsync(CancellationToken cancellationToken);

    /// <summary>Cancels a waiting job at once, or asks a running one to stop. Null when the job is unknown.</summary>
    ValueTask<TrainingJobInfo?> CancelAsync(string backend, string jobId, CancellationToken cancellationToken);

    /// <summary>Blocks a worker thread until a lane has a job for it to run (holding the lane's lease); null when closing.</summary>
    TrainingJob? Take(CancellationToken stopping);

    /// <summary>The worker finished <paramref name="job"/> (its outcome is recorded): releases the lane.</summary>
    void Completed(TrainingJob job);

    /// <summary>Whether other processes write this MODEL_DIR too (cluster mode): then staging folders found at start may be
    /// another replica's work in progress, not a crash's leftovers, and only a lane's owner clears its lane's.</summary>
    bool SharesModelDir => false;

    /// <summary>Marks the jobs a previous process left queued or running as failed, for the backends this process runs
    /// (<paramref name="ownsBackend"/>: isolated backends' workers keep their own); returns how many (called at start).</summary>
    int RecoverInterrupted(Func<string, bool> ownsBackend);

    /// <summary>Cancels every job of this process (host shutdown).</summary>
    void CancelAll(string reason);
}
