using System.Collections.Concurrent;

namespace PluginHost.Plugins.Segmentation.Sam;

/// <summary>
/// Image embeddings by image, least recently used first out when the total passes the byte budget. Concurrent
/// requests for an image being encoded share that one encoder run. A lookup takes a short lock (no I/O under it).
/// </summary>
internal sealed class EmbeddingCache(long capacityBytes)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, ImageEmbedding Value)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, ImageEmbedding Value)> _recency = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<ImageEmbedding>>> _pending = new(StringComparer.Ordinal);
    private long _bytes;
    private long _hits;
    private long _misses;

    public long CapacityBytes { get; } = capacityBytes;

    public long Bytes
    {
        get { lock (_gate) return _bytes; }
    }

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    public bool TryGet(string key, out ImageEmbedding embedding)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                embedding = node.Value.Value;
                return true;
            }
        }
        embedding = null!;
        return false;
    }

    /// <summary>The cached embedding, or the one <paramref name="encode"/> makes (once, however many callers wait for it).</summary>
    public async ValueTask<(ImageEmbedding Embedding, bool Hit)> GetOrAddAsync(string key, Func<CancellationToken, Task<ImageEmbedding>> encode, CancellationToken cancellationToken)
    {
        if (TryGet(key, out var cached))
        {
            Interlocked.Increment(ref _hits);
            return (cached, true);
        }
        Interlocked.Increment(ref _misses);
        // The encoder run belongs to no single caller: one annotator giving up must not fail the others waiting on it.
        var pending = _pending.GetOrAdd(key, k => new Lazy<Task<ImageEmbedding>>(() => EncodeAndStoreAsync(k, encode)));
        var embedding = await pending.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        return (embedding, false);
    }

    private async Task<ImageEmbedding> EncodeAndStoreAsync(string key, Func<CancellationToken, Task<ImageEmbedding>> encode)
    {
        try
        {
            if (TryGet(key, out var stored)) return stored; // finished between the caller's lookup and this run
            var embedding = await encode(CancellationToken.None).ConfigureAwait(false);
            Add(key, embedding);
            return embedding;
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    public void Add(string key, ImageEmbedding embedding)
    {
        if (embedding.Bytes > CapacityBytes) return; // would evict everything and still not fit
        lock (_gate)
        {
            if (_entries.Remove(key, out var old))
            {
                _recency.Remove(old);
                _bytes -= old.Value.Value.Bytes;
            }
            _entries[key] = _recency.AddFirst((key, embedding));
            _bytes += embedding.Bytes;
            while (_bytes > CapacityBytes && _recency.Last is { } last)
            {
                _recency.RemoveLast();
                _entries.Remove(last.Value.Key);
                _bytes -= last.Value.Value.Bytes;
            }
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _recency.Clear();
            _bytes = 0;
        }
    }
}
