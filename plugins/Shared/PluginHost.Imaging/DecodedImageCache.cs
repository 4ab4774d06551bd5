namespace PluginHost.Imaging;

/// <summary>
/// The last decoded images, up to a budget of pixels (one byte each for gray, four for RGBA, counted as pixels). An annotator draws box after box on the
/// same image, and decoding a photo costs far more than reading one box (a 12 MP JPEG: ~200 ms against ~15 ms), so
/// each box after the first skips the decode. Keyed by a hash of the file's bytes (read anyway to decode; hashing
/// costs ~1 ms per MB), since write times say nothing here: the task-data cache touches its files on every hit, and
/// a changed file must be decoded again. Images in use are freed only once their last user lets go.
/// </summary>
public sealed class DecodedImageCache(long maxPixels) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Entry> _recent = new(); // most recent first
    private readonly Dictionary<string, LinkedListNode<Entry>> _byKey = new(StringComparer.Ordinal);
    private long _pixels;
    private bool _disposed;

    /// <summary>Images decoded (cache misses), for tests and diagnostics.</summary>
    public int Decodes { get; private set; }

    /// <summary>The decoded image of the file at <paramref name="path"/>, from the cache or from <paramref name="decode"/>
    /// (given the file's bytes).</summary>
    public Lease Get(string path, Func<byte[], DecodedImage> decode)
    {
        var bytes = File.ReadAllBytes(path);
        var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes));
        lock (_gate)
        {
            if (_byKey.TryGetValue(key, out var hit))
            {
                _recent.Remove(hit);
                _recent.AddFirst(hit);
                hit.Value.Users++;
                return new Lease(this, hit.Value);
            }
        }

        var image = decode(bytes); // outside the lock: other requests keep being served meanwhile
        var entry = new Entry(image) { Users = 1 };
        lock (_gate)
        {
            Decodes++;
            var pixels = (long)image.Width * image.Height;
            if (_disposed || pixels > maxPixels || _byKey.ContainsKey(key))
            {
                entry.Evicted = true; // not kept: freed when this request is done
                return new Lease(this, entry);
            }
            _byKey[key] = _recent.AddFirst(entry);
            entry.Key = key;
            _pixels += pixels;
            while (_pixels > maxPixels && _recent.Last is { } oldest && oldest.Value != entry) Evict(oldest);
            return new Lease(this, entry);
        }
    }

    private void Evict(LinkedListNode<Entry> node)
    {
        _recent.Remove(node);
        _byKey.Remove(node.Value.Key);
        _pixels -= (long)node.Value.Image.Width * node.Value.Image.Height;
        node.Value.Evicted = true;
        if (node.Value.Users == 0) node.Value.Image.Dispose();
    }

    private void Release(Entry entry)
    {
        lock (_gate)
        {
            entry.Users--;
            if (entry.Evicted && entry.Users == 0) entry.Image.Dispose();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            while (_recent.First is { } node) Evict(node);
        }
    }

    internal sealed class Entry(DecodedImage image)
    {
        public DecodedImage Image { get; } = image;
        public string Key { get; set; } = "";
        public int Users { get; set; }
        public bool Evicted { get; set; }
    }

    /// <summary>One request's use of a decoded image; dispose when done with it.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly DecodedImageCache _cache;
        private readonly Entry _entry;

        internal Lease(DecodedImageCache cache, Entry entry)
        {
            _cache = cache;
            _entry = entry;
        }

        public DecodedImage Image => _entry.Image;

        public void Dispose() => _cache.Release(_entry);
    }
}
