using Microsoft.Extensions.Options;

namespace PluginHost.Training;

/// <summary>The worker threads that run training jobs, at low priority, off the request path.</summary>
internal sealed class TrainingWorker(
    ITrainingQueue queue,
    TrainingJobRunner runner,
    ModelStore modelStore,
    Isolation.BackendPlacement placement,
    IOptions<HostTrainingSettings> options,
    ILogger<TrainingWorker> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Thread> _threads = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        try
        {
            // Only this process's backends: isolated backends' workers share MODEL_DIR and train on their own.
            var cleaned = queue.SharesModelDir ? 0 : modelStore.CleanStaging(placement.RunsHere);
            var interrupted = queue.RecoverInterrupted(placement.RunsHere);
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
