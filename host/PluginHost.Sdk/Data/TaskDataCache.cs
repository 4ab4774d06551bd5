using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace PluginHost.Sdk.Data;

/// <summary>
/// Downloaded task data on disk, bounded in size: least recently used files are evicted once the total passes the
/// limit. Entries are written to a temporary file and renamed into place, so a reader never sees a partial file.
/// An index in memory keeps the order; on start it is rebuilt from the folder (oldest write time first).
/// </summary>
internal sealed class TaskDataCache
{
    private readonly string _directory;
    private readonly string _tempDirectory;
    private readonly long _limitBytes;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _lru = new(); // first = most recently used
    private long _totalBytes;

    public TaskDataCache(string directory, long limitBytes, ILogger logger)
    {
        _directory = Path.GetFullPath(directory);
        _tempDirectory = Path.Combine(_directory, ".tmp");
        _limitBytes = limitBytes;
        _logger = logger;
        Directory.CreateDirectory(_tempDirectory);
        foreach (var stale in Directory.EnumerateFiles(_tempDirectory)) TryDelete(stale);
        foreach (var file in new DirectoryInfo(_directory).EnumerateFiles().OrderByDescending(f => f.LastWriteTimeUtc))
        {
            var node = _lru.AddLast(new Entry(file.Name, file.Length));
            _index[file.Name] = node;
            _totalBytes += file.Length;
        }
        lock (_gate) EvictOverLimit(keep: null);
    }

    public long TotalBytes
    {
        get { lock (_gate) return _totalBytes; }
    }

    public int Count
    {
        get { lock (_gate) return _index.Count; }
    }

    /// <summary>The entry's file name: a hash of the key (the resolved URL), then a readable hint.</summary>
    public static string EntryName(string key, string fileNameHint)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 8));
        return hash + "__" + fileNameHint;
    }

    public bool TryGet(string entryName, out string path)
    {
        path = Path.Combine(_directory, entryName);
        lock (_gate)
        {
            if (!_index.TryGetValue(entryName, out var node)) return false;
            if (!File.Exists(path))
            {
                Remove(node);
                return false;
            }
            _lru.Remove(node);
            _lru.AddFirst(node);
        }
        try
        {
            // Keeps the order across restarts approximately LRU.
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (IOException)
        {
        }
        return true;
    }

    /// <summary>Writes an entry through <paramref name="write"/> into a temporary file, then publishes it atomically.</summary>
    public async Task<string> AddAsync(string entryName, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(_tempDirectory, Guid.NewGuid().ToString("N") + ".part");
        var path = Path.Combine(_directory, entryName);
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                await write(stream, cancellationToken).ConfigureAwait(false);
            var size = new FileInfo(temp).Length;
            lock (_gate)
            {
                File.Move(temp, path, overwrite: true);
                if (_index.Remove(entryName, out var old))
                {
                    _lru.Remove(old);
                    _totalBytes -= old.Value.Size;
                }
                var node = _lru.AddFirst(new Entry(entryName, size));
                _index[entryName] = node;
                _totalBytes += size;
                EvictOverLimit(keep: node);
            }
            return path;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private void EvictOverLimit(LinkedListNode<Entry>? keep)
    {
        while (_totalBytes > _limitBytes && _lru.Last is { } oldest && oldest != keep)
        {
            _logger.LogDebug("Task data cache over {Limit} bytes: evicting {Entry}", _limitBytes, oldest.Value.Name);
            Remove(oldest);
            TryDelete(Path.Combine(_directory, oldest.Value.Name));
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _lru.Remove(node);
        _index.Remove(node.Value.Name);
        _totalBytes -= node.Value.Size;
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(ex, "Could not delete {Path} from the task data cache", path);
        }
    }

    private sealed record Entry(string Name, long Size);
}
