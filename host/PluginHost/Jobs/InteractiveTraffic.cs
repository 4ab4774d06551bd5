namespace PluginHost.Jobs;

/// <summary>
/// The <c>/predict</c> requests in flight, so that prediction jobs give way to them: before each CPU step a job waits
/// (at most <see cref="JobSettings.YieldToInteractiveMilliseconds"/>) until no request is being answered. The request
/// path only increments and decrements a counter.
/// </summary>
public sealed class InteractiveTraffic
{
    private int _inFlight;
    private TaskCompletionSource? _quiet;

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Leave()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _quiet) is not null)
            Interlocked.Exchange(ref _quiet, null)?.TrySetResult();
    }

    /// <summary>Completes when no request is in flight, or after <paramref name="maxWait"/> (a busy host still makes
    /// progress on its jobs).</summary>
    public Task WhenQuietAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        if (InFlight == 0 || maxWait <= TimeSpan.Zero) return Task.CompletedTask;
        var quiet = Volatile.Read(ref _quiet);
        if (quiet is null)
        {
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            quiet = Interlocked.CompareExchange(ref _quiet, created, null) ?? created;
        }
        // The last request may have left between the check and the registration.
        if (InFlight == 0) return Task.CompletedTask;
        return WaitAsync(quiet.Task, maxWait, cancellationToken);
    }

    private static async Task WaitAsync(Task quiet, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        try
        {
            await quiet.WaitAsync(maxWait, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }
}
