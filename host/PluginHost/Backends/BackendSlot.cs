namespace PluginHost.Backends;

/// <summary>
/// A named backend: the generation currently serving and the status of its source. The current generation is
/// swapped atomically; a request reads it once through <see cref="TryAcquire"/>.
/// </summary>
public sealed class BackendSlot(string name)
{
    private BackendGeneration? _current;
    private volatile BackendStatus _status = new(BackendState.Loading, null, [], DateTimeOffset.UtcNow);

    public string Name { get; } = name;

    public BackendGeneration? Current => Volatile.Read(ref _current);

    public BackendStatus Status => _status;

    public BackendMetrics Metrics { get; } = new(name);

    /// <summary>Leases the current generation, retrying if a swap retires it between the read and the lease.</summary>
    public bool TryAcquire(out BackendLease lease)
    {
        while (true)
        {
            var generation = Volatile.Read(ref _current);
            if (generation is null)
            {
                lease = default;
                return false;
            }
            if (generation.TryAcquire())
            {
                lease = new BackendLease(generation);
                return true;
            }
            // Retired under us: the next read sees its replacement (or null).
            if (ReferenceEquals(Volatile.Read(ref _current), generation))
            {
                lease = default;
                return false;
            }
        }
    }

    /// <summary>Makes <paramref name="generation"/> current; the old one drains and is disposed.</summary>
    internal void Publish(BackendGeneration generation)
    {
        var old = Interlocked.Exchange(ref _current, generation);
        _status = new BackendStatus(BackendState.Ready, null, [], DateTimeOffset.UtcNow);
        old?.Retire();
    }

    internal void ReportFailure(string error, IReadOnlyList<string> details)
        => _status = new BackendStatus(BackendState.Failed, error, details, DateTimeOffset.UtcNow);

    internal void Clear()
    {
        var old = Interlocked.Exchange(ref _current, null);
        old?.Retire();
    }
}
