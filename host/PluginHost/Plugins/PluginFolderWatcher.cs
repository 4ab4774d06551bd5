namespace PluginHost.Plugins;

/// <summary>
/// Turns file events under the plugins directory into "scan now" signals, with a debounce: a build or a copy
/// writes many files, and one scan after the burst is what we want. Without a working watcher (inotify limits,
/// network file systems) it degrades to the periodic rescan.
/// </summary>
internal sealed class PluginFolderWatcher : IDisposable
{
    private readonly FileSystemWatcher? _watcher;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private long _lastEventTicks;

    public PluginFolderWatcher(string root, ILogger logger)
    {
        try
        {
            _watcher = new FileSystemWatcher(root)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            _watcher.Created += OnEvent;
            _watcher.Changed += OnEvent;
            _watcher.Deleted += OnEvent;
            _watcher.Renamed += OnEvent;
            // Overflow (too many events at once): the scan compares every folder anyway.
            _watcher.Error += (_, _) => Signal();
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or ArgumentException)
        {
            _watcher?.Dispose();
            _watcher = null;
            logger.LogWarning("Cannot watch {PluginsDir} ({Error}); relying on the periodic rescan", root, ex.Message);
        }
    }

    public bool IsWatching => _watcher is not null;

    /// <summary>Waits for a file event, or at most <paramref name="timeout"/> (the periodic rescan).</summary>
    public async Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        await _signal.WaitAsync(timeout <= TimeSpan.Zero ? Timeout.InfiniteTimeSpan : timeout, cancellationToken).ConfigureAwait(false);

    /// <summary>Returns once no event arrived for <paramref name="quiet"/>.</summary>
    public async Task WaitQuietAsync(TimeSpan quiet, CancellationToken cancellationToken)
    {
        while (true)
        {
            var sinceLast = TimeSpan.FromTicks(Environment.TickCount64 * TimeSpan.TicksPerMillisecond - Volatile.Read(ref _lastEventTicks));
            if (sinceLast >= quiet) return;
            await Task.Delay(quiet - sinceLast, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Asks for another scan soon (e.g. files changed while a folder was being copied).</summary>
    public void Signal()
    {
        Volatile.Write(ref _lastEventTicks, Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // A scan is already pending.
        }
        catch (ObjectDisposedException)
        {
            // An event raced the host's shutdown.
        }
    }

    private void OnEvent(object sender, FileSystemEventArgs e) => Signal();

    public void Dispose()
    {
        _watcher?.Dispose();
        _signal.Dispose();
    }
}
