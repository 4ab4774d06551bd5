namespace PluginHost.Backends;

/// <summary>
/// Something requests hold while they use it and that is disposed only after it was retired and its last holder
/// let go: the mechanism behind zero-downtime swaps of code (generations) and weights (models).
/// </summary>
public abstract class Drainable
{
    // Starts at 1: the owner's reference, released by Retire().
    private int _references = 1;
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when disposed (tests use it to prove that old versions go away).</summary>
    public Task Disposed => _disposed.Task;

    /// <summary>Takes a reference unless already fully released.</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0) return false;
            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current) return true;
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0) _ = RunDisposeAsync();
    }

    /// <summary>Called once by the owner when replaced or removed.</summary>
    public void Retire() => Release();

    protected abstract ValueTask DisposeCoreAsync();

    private async Task RunDisposeAsync()
    {
        try
        {
            await DisposeCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            _disposed.TrySetResult();
        }
    }
}
