using System.Diagnostics;
using System.Threading.Channels;

namespace PluginHost.CodeSources;

/// <summary>
/// The watch/debounce/rescan loop of a code source (plugin folders, scripts): a file watcher on the directory (created
/// once the directory exists; without one, e.g. inotify limits, the periodic rescan still works), events debounced
/// into one scan per burst, a periodic rescan as the safety net, and <see cref="Signal"/> for "scan again soon".
/// Scans run one at a time on the loop; one that throws is logged and the loop carries on.
/// </summary>
internal sealed class CodeChangeLoop(string directory, CodeChangeTiming timing, Func<CancellationToken, Task> scan, ILogger logger) : IAsyncDisposable
{
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private FileSystemWatcher? _watcher;
    private bool _cannotWatch;
    private Task _loop = Task.CompletedTask;

    public void Start()
    {
        EnsureWatcher();
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>Asks for a scan after the debounce (e.g. files changed while a folder was being copied, configuration reloaded).</summary>
    public void Signal() => _changes.Writer.TryWrite(true);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_stopping.IsCancellationRequested) await _stopping.CancelAsync();
        try
        {
            await _loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping anyway.
        }
        _watcher?.Dispose();
        _watcher = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await WaitForChangeAsync(timing.Rescan, stopping))
                {
                    var burstStarted = Stopwatch.GetTimestamp();
                    while (await WaitForChangeAsync(timing.Debounce, stopping) && Stopwatch.GetElapsedTime(burstStarted) < timing.MaxDelay) { }
                }
                EnsureWatcher();
                await scan(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Never let one bad scan stop reloading: the next change or rescan tries again.
                logger.LogError(ex, "Scanning {Directory} failed", directory);
            }
        }
    }

    /// <summary>True when a change was signalled within <paramref name="timeout"/> (zero or less: wait until one is).</summary>
    private async Task<bool> WaitForChangeAsync(TimeSpan timeout, CancellationToken stopping)
    {
        if (_changes.Reader.TryRead(out _)) return true;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        if (timeout > TimeSpan.Zero) wait.CancelAfter(timeout);
        try
        {
            await _changes.Reader.WaitToReadAsync(wait.Token);
            return _changes.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return false;
        }
    }

    private void EnsureWatcher()
    {
        if (_watcher is not null || _cannotWatch || _stopping.IsCancellationRequested || !Directory.Exists(directory)) return;
        try
        {
            var watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            watcher.Created += OnFileEvent;
            watcher.Changed += OnFileEvent;
            watcher.Deleted += OnFileEvent;
            watcher.Renamed += OnFileEvent;
            // Overflow or a failing watch: scan anyway, the scan compares everything.
            watcher.Error += (_, e) =>
            {
                logger.LogWarning(e.GetException(), "Watching {Directory} failed; the periodic rescan still picks up changes", directory);
                Signal();
            };
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or ArgumentException)
        {
            _cannotWatch = true;
            logger.LogWarning("Cannot watch {Directory} ({Error}); relying on the periodic rescan", directory, ex.Message);
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) => Signal();
}
