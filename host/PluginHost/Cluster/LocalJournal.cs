namespace PluginHost.Cluster;

/// <summary>
/// An append-only file of one-line entries (JSON), flushed to disk before <see cref="AppendAsync"/> returns: what a
/// replica must not lose while Redis is away (Label Studio never resends a webhook). <see cref="ReplayAsync"/> hands the
/// entries back in order once Redis returns. Delivery is at least once — an entry whose consumer failed, or that was
/// replayed when the process died, is replayed again — so consumers must be idempotent (annotation upserts by id are).
/// A torn last line (a crash mid-write) is skipped.
/// </summary>
public sealed class LocalJournal
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _path;
    private readonly string _replayPath;

    public LocalJournal(string path)
    {
        _path = path;
        _replayPath = path + ".replaying";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Whether entries wait for replay.</summary>
    public bool HasEntries => Length(_path) > 0 || Length(_replayPath) > 0;

    /// <summary>Appends one entry and flushes it to the disk.</summary>
    public async Task AppendAsync(string entry, CancellationToken cancellationToken)
    {
        if (entry.Contains('\n') || entry.Contains('\r'))
            throw new ArgumentException("a journal entry is one line", nameof(entry));
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
            await using var writer = new StreamWriter(stream);
            await writer.WriteAsync(entry.AsMemory(), cancellationToken);
            await writer.WriteAsync('\n');
            await writer.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Hands every entry to <paramref name="apply"/> in the order appended and forgets them once all were applied.
    /// Entries appended meanwhile wait for the next replay. Returns how many entries were applied. When
    /// <paramref name="apply"/> throws, the remaining entries (that one included) stay for the next replay.
    /// </summary>
    public async Task<int> ReplayAsync(Func<string, CancellationToken, Task> apply, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // A replay that died half-way left its file: finish that one first, then take the new entries.
            if (!File.Exists(_replayPath))
            {
                if (!File.Exists(_path)) return 0;
                File.Move(_path, _replayPath);
            }
            else if (File.Exists(_path))
            {
                await File.AppendAllTextAsync(_replayPath, await File.ReadAllTextAsync(_path, cancellationToken), cancellationToken);
                File.Delete(_path);
            }

            // Every complete entry ends with '\n': the last piece of the split is empty, or a torn entry to skip.
            var lines = (await File.ReadAllTextAsync(_replayPath, cancellationToken)).Split('\n');
            var usable = lines.Length - 1;
            var applied = 0;
            for (var i = 0; i < usable; i++)
            {
                if (lines[i].Length == 0) continue;
                try
                {
                    await apply(lines[i], cancellationToken);
                }
                catch
                {
                    await File.WriteAllLinesAsync(_replayPath, lines[i..usable], cancellationToken);
                    throw;
                }
                applied++;
            }
            File.Delete(_replayPath);
            return applied;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}
