using System.Collections.Concurrent;

namespace PluginHost.Plugins.Ocr.Tesseract;

/// <summary>
/// Up to <c>size</c> initialised engines shared by every request. A caller waits (asynchronously) for a free slot,
/// takes an idle engine or, while fewer than <c>size</c> exist, creates one; engines are kept for the backend's
/// lifetime, so language data loads once per engine, never per request.
/// </summary>
internal sealed class TesseractPool : IDisposable
{
    private readonly Func<TesseractEngine> _create;
    private readonly ConcurrentBag<TesseractEngine> _idle = new();
    private readonly SemaphoreSlim _slots;
    private int _created;
    private volatile bool _disposed;

    /// <param name="first">An engine already created (proving the setup works); it becomes the first idle one.</param>
    public TesseractPool(int size, TesseractEngine first, Func<TesseractEngine> create)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
        _create = create;
        _slots = new SemaphoreSlim(size, size);
        _idle.Add(first);
        _created = 1;
    }

    public int Size { get; }

    /// <summary>Engines created so far (at most <see cref="Size"/>).</summary>
    public int Created => Volatile.Read(ref _created);

    public async ValueTask<Lease> RentAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Holding a slot means fewer than Size engines are in use, so an engine is idle or one more may be made.
            if (_idle.TryTake(out var engine)) return new Lease(this, engine);
            engine = _create();
            Interlocked.Increment(ref _created);
            return new Lease(this, engine);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    private void Return(TesseractEngine engine)
    {
        _idle.Add(engine);
        if (_disposed) DisposeIdle(); // disposed while leased: free it now
        _slots.Release();
    }

    /// <summary>Frees the idle engines; ones still leased are freed when returned.</summary>
    public void Dispose()
    {
        _disposed = true;
        DisposeIdle();
    }

    private void DisposeIdle()
    {
        while (_idle.TryTake(out var engine)) engine.Dispose();
    }

    /// <summary>One engine for one caller; dispose to give it back.</summary>
    public readonly struct Lease(TesseractPool pool, TesseractEngine engine) : IDisposable
    {
        public TesseractEngine Engine { get; } = engine;

        public void Dispose() => pool.Return(Engine);
    }
}
