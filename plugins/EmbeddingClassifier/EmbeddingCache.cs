using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace PluginHost.Plugins.EmbeddingClassifier;

/// <summary>
/// Embeddings by text, least recently used first out, at most <c>capacity</c> entries (384 floats each: 10,000 entries
/// are ~16 MB). Keyed by a 128-bit hash of the text, so long texts are not kept twice. Label Studio predicts every task
/// before and between trainings: a retrain then embeds only the texts it has never seen. Thread-safe.
/// </summary>
internal sealed class EmbeddingCache(int capacity)
{
    private readonly Dictionary<UInt128, LinkedListNode<Entry>> _entries = new();
    private readonly LinkedList<Entry> _recency = new();
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock) return _entries.Count;
        }
    }

    public static UInt128 KeyOf(string text)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(MemoryMarshal.AsBytes(text.AsSpan()), hash);
        return MemoryMarshal.Read<UInt128>(hash);
    }

    public bool TryGet(UInt128 key, out float[] vector)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                vector = node.Value.Vector;
                return true;
            }
        }
        vector = [];
        return false;
    }

    public void Add(UInt128 key, float[] vector)
    {
        if (capacity <= 0) return;
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                _recency.Remove(existing);
                _entries.Remove(key);
            }
            _entries[key] = _recency.AddFirst(new Entry(key, vector));
            while (_entries.Count > capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
            }
        }
    }

    private sealed record Entry(UInt128 Key, float[] Vector);
}
