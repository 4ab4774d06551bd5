namespace PluginHost.Invocation;

/// <summary>
/// One backend's share of the host: <see cref="Slots"/> calls run at once, <see cref="QueueLimit"/> more may wait.
/// Admission is one interlocked count, so a full bulkhead refuses without waiting and without a lock.
/// </summary>
public sealed class BackendBulkhead(int slots, int queueLimit)
{
    private readonly SemaphoreSlim _slots = new(slots, slots);
    private int _admitted;

    public int Slots { get; } = slots;

    public int QueueLimit { get; } = queueLimit;

    /// <summary>Calls holding a slot: running, or timed out and still running on their thread.</summary>
    public int Running => Slots - _slots.CurrentCount;

    /// <summary>Calls admitted and waiting for a slot.</summary>
    public int Queued => Math.Max(0, Volatile.Read(ref _admitted) - Running);

    /// <summary>Admits a call unless <see cref="Slots"/> + <see cref="QueueLimit"/> are taken; <paramref name="bounded"/>
    /// false admits anyway (the host's own work — jobs, warm-ups — waits instead of being refused).</summary>
    public bool TryAdmit(bool bounded)
    {
        if (Interlocked.Increment(ref _admitted) <= Slots + QueueLimit || !bounded) return true;
        Interlocked.Decrement(ref _admitted);
        return false;
    }

    /// <summary>Waits for a slot for at most <paramref name="wait"/>; false when none came (the call leaves).</summary>
    public async ValueTask<bool> EnterAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            if (await _slots.WaitAsync(wait, cancellationToken).ConfigureAwait(false)) return true;
        }
        catch (OperationCanceledException)
        {
            Leave();
            throw;
        }
        Leave();
        return false;
    }

    /// <summary>Gives back a slot taken by <see cref="EnterAsync"/>, when the backend's work has really ended.</summary>
    public void Exit()
    {
        _slots.Release();
        Leave();
    }

    private void Leave() => Interlocked.Decrement(ref _admitted);
}
