using System.Diagnostics;
using PluginHost.Configuration;

namespace PluginHost.Isolation;

/// <summary>
/// Keeps the worker process of one isolated backend alive: starts it, waits until it answers <c>/health</c> on its
/// socket, watches it, and when it ends (a native crash, a kill, a failed start) starts the next one after an
/// exponential backoff — <see cref="IsolationSettings.RestartDelaySeconds"/> doubling up to
/// <see cref="IsolationSettings.MaxRestartDelaySeconds"/>, back to the start after a worker stayed up
/// <see cref="IsolationSettings.HealthyResetSeconds"/>. While no worker answers, <see cref="Client"/> is null and the
/// backend's routes answer 503 with <c>Retry-After</c>.
/// </summary>
internal sealed class WorkerSupervisor : IAsyncDisposable
{
    private static readonly TimeSpan ReadyPollInterval = TimeSpan.FromMilliseconds(50);

    private readonly IConfiguration _configuration;
    private readonly HostPaths _paths;
    private readonly IsolationSettings _settings;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private Task _loop = Task.CompletedTask;
    private Process? _process;
    private volatile HttpMessageInvoker? _client;
    private WorkerHealth _health = new(WorkerStates.Starting, null, 0, null, null, null, null, null);
    // Why the supervisor itself ended the running worker (recycled, killed as hung), for LastExitReason; under _gate.
    private string? _endedBecause;
    private bool _recycling;
    private string _settingsSignature = "";

    public WorkerSupervisor(string backend, string socketPath, IConfiguration configuration, HostPaths paths,
        IsolationSettings settings, ILogger logger)
    {
        Backend = backend;
        SocketPath = socketPath;
        _configuration = configuration;
        _paths = paths;
        _settings = settings;
        _logger = logger;
    }

    public string Backend { get; }

    public string SocketPath { get; }

    /// <summary>The running worker's connection pool; null while no worker answers.</summary>
    public HttpMessageInvoker? Client => _client;

    public WorkerHealth Health
    {
        get { lock (_gate) return _health; }
    }

    /// <summary>Completes when the first worker answered, or its first start failed (the host serves either way).</summary>
    public Task FirstAttempt => _firstAttempt.Task;

    public void Start() => _loop = Task.Run(() => SuperviseAsync(_stopping.Token));

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(_settings.RestartDelaySeconds);
        var maxDelay = TimeSpan.FromSeconds(_settings.MaxRestartDelaySeconds);
        while (!stopping.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await RunOnceAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Could not even start the process (executable missing, socket folder unwritable): retried like a crash.
                _logger.LogError(ex, "Could not run the worker of backend {Backend}", Backend);
                Update(h => h with { State = WorkerStates.Restarting, Pid = null, LastExitAt = DateTimeOffset.UtcNow });
            }
            _firstAttempt.TrySetResult();
            if (stopping.IsCancellationRequested) break;
            if (TakeRecycling())
            {
                // Not a failure: the next worker starts at once and the backoff stays where it was.
                Update(h => h with { Restarts = h.Restarts + 1 });
                continue;
            }
            if (Stopwatch.GetElapsedTime(started) >= TimeSpan.FromSeconds(_settings.HealthyResetSeconds))
                delay = TimeSpan.FromSeconds(_settings.RestartDelaySeconds);
            Update(h => h with { State = WorkerStates.Restarting, NextStartAt = DateTimeOffset.UtcNow + delay });
            _logger.LogWarning("Restarting the worker of backend {Backend} in {DelaySeconds:0.0} s", Backend, delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, maxDelay.Ticks));
            Update(h => h with { Restarts = h.Restarts + 1, NextStartAt = null });
        }
        _firstAttempt.TrySetResult();
    }

    /// <summary>One worker's life: start, wait until it answers, serve until it ends. Returns only once it has ended
    /// (on host shutdown <see cref="StopAsync"/> makes it end).</summary>
    private async Task RunOnceAsync(CancellationToken stopping)
    {
        if (File.Exists(SocketPath)) File.Delete(SocketPath);
        using var process = Process.Start(WorkerCommand.Create(Backend))
                            ?? throw new InvalidOperationException($"The worker process of backend '{Backend}' did not start.");
        lock (_gate) _process = process;
        Update(h => h with { State = WorkerStates.Starting, Pid = process.Id });
        _logger.LogInformation("Started the worker of backend {Backend}: pid {Pid}, socket {Socket}", Backend, process.Id, SocketPath);
        using var client = UnixSocketClient.Create(SocketPath);
        lock (_gate) _settingsSignature = SettingsSignature();
        try
        {
            await process.StandardInput.WriteLineAsync(WorkerConfiguration.Serialize(_configuration, _paths, Backend, SocketPath).AsMemory(), stopping);
            await process.StandardInput.FlushAsync(stopping);
            if (await WaitUntilReadyAsync(process, client, stopping))
            {
                _client = client;
                Update(h => h with { State = WorkerStates.Running });
                _firstAttempt.TrySetResult();
                _logger.LogInformation("The worker of backend {Backend} (pid {Pid}) serves", Backend, process.Id);
                await WatchLivenessAsync(process, client, stopping);
            }
            else if (!process.HasExited)
            {
                _logger.LogError("The worker of backend {Backend} (pid {Pid}) did not answer within {Seconds} s; killing it",
                    Backend, process.Id, _settings.StartTimeoutSeconds);
                EndBecause($"killed: did not answer within StartTimeoutSeconds ({_settings.StartTimeoutSeconds} s) of its start");
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // Died before it read its configuration, or the host is stopping (StopAsync ends the process): either way
            // the process ending is what this waits for below.
        }
        finally
        {
            // Never cancelled: a worker is let go only once it has ended.
            await process.WaitForExitAsync(CancellationToken.None);
            _client = null;
            lock (_gate) _process = null;
        }
        RecordExit(process);
    }

    private async Task<bool> WaitUntilReadyAsync(Process process, HttpMessageInvoker client, CancellationToken stopping)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(_settings.StartTimeoutSeconds * Stopwatch.Frequency);
        while (!process.HasExited && Stopwatch.GetTimestamp() < deadline)
        {
            if (File.Exists(SocketPath) && await WorkerProbe.AnswersAsync(client, WorkerProbe.ReadyTimeout, stopping)) return true;
            await Task.Delay(ReadyPollInterval, stopping);
        }
        return false;
    }

    /// <summary>Until the worker ends; kills it when it stops answering its <c>/health</c> (hung: it restarts).</summary>
    private async Task WatchLivenessAsync(Process process, HttpMessageInvoker client, CancellationToken stopping)
    {
        var exited = process.WaitForExitAsync(CancellationToken.None);
        var interval = TimeSpan.FromSeconds(_settings.LivenessIntervalSeconds);
        var timeout = TimeSpan.FromSeconds(_settings.LivenessTimeoutSeconds);
        var failures = 0;
        while (true)
        {
            if (await Task.WhenAny(exited, Task.Delay(interval, stopping)) == exited || stopping.IsCancellationRequested) return;
            if (await WorkerProbe.AnswersAsync(client, timeout, stopping))
            {
                failures = 0;
                RecycleIfTooLarge(process);
                continue;
            }
            if (stopping.IsCancellationRequested || process.HasExited) return;
            if (++failures < _settings.LivenessFailures) continue;
            _logger.LogError("The worker of backend {Backend} (pid {Pid}) did not answer its health check {Failures} times in a row; killing it",
                Backend, process.Id, failures);
            EndBecause($"killed: did not answer its health check {failures} times in a row");
            process.Kill(entireProcessTree: true);
            return;
        }
    }

    /// <summary>A worker above <see cref="IsolationSettings.MaxWorkerMemoryMegabytes"/> (a native leak) is replaced.</summary>
    private void RecycleIfTooLarge(Process process)
    {
        if (_settings.MaxWorkerMemoryMegabytes <= 0) return;
        process.Refresh();
        var megabytes = process.WorkingSet64 / (1024 * 1024);
        if (megabytes > _settings.MaxWorkerMemoryMegabytes)
            Recycle($"recycled: {megabytes} MB resident, above MaxWorkerMemoryMegabytes ({_settings.MaxWorkerMemoryMegabytes})");
    }

    /// <summary>The configuration changed: a worker whose <c>Backends:&lt;route&gt;</c> section changed is replaced by one
    /// that reads the new settings (the host re-creates its embedded backends the same way).</summary>
    public void OnConfigurationChanged()
    {
        string running;
        lock (_gate) running = _settingsSignature;
        if (running.Length > 0 && SettingsSignature() != running) Recycle($"recycled: Backends:{Backend} changed");
    }

    /// <summary>Replaces the running worker: it stops cleanly (its stdin closes; requests in flight finish), is killed if it
    /// has not after <see cref="IsolationSettings.StopTimeoutSeconds"/>, and the next one starts at once.</summary>
    public void Recycle(string reason)
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
            if (process is null || _recycling) return;
            _recycling = true;
            _endedBecause = reason;
        }
        _logger.LogWarning("Replacing the worker of backend {Backend} (pid {Pid}): {Reason}", Backend, process.Id, reason);
        _client = null; // new requests answer 503 until the next worker serves, instead of reaching one that stops
        _ = StopGracefullyAsync(process);
    }

    private async Task StopGracefullyAsync(Process process)
    {
        CloseInput(process);
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(_settings.StopTimeoutSeconds));
        }
        catch (TimeoutException)
        {
            Kill(process);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private bool TakeRecycling()
    {
        lock (_gate)
        {
            var recycling = _recycling;
            _recycling = false;
            return recycling;
        }
    }

    private void EndBecause(string reason)
    {
        lock (_gate) _endedBecause = reason;
    }

    private string SettingsSignature() => string.Join('\n', _configuration.GetSection($"Backends:{Backend}")
        .AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal)
        .Select(kv => $"{kv.Key}={kv.Value}"));

    private void RecordExit(Process process)
    {
        var code = process.ExitCode;
        var signal = UnixSignals.FromExitCode(code);
        string reason;
        bool planned;
        lock (_gate)
        {
            planned = _recycling;
            reason = _endedBecause ?? (signal is null ? $"exited with code {code}" : $"died of {signal}");
            _endedBecause = null;
        }
        Update(h => h with { State = WorkerStates.Restarting, Pid = null, LastExitCode = code, LastSignal = signal, LastExitReason = reason, LastExitAt = DateTimeOffset.UtcNow });
        IsolationInstruments.RecordExit(Backend, signal);
        if (_stopping.IsCancellationRequested) return;
        _logger.Log(planned ? LogLevel.Information : LogLevel.Error,
            "The worker of backend {Backend} (pid {Pid}) ended: {Reason} (exit code {ExitCode}); its requests answer 503 until the next one serves",
            Backend, process.Id, reason, code);
    }

    private void Update(Func<WorkerHealth, WorkerHealth> change)
    {
        lock (_gate) _health = change(_health);
    }

    /// <summary>Stops supervising: closes the worker's stdin (it shuts down), kills it if it is still there after
    /// <see cref="IsolationSettings.StopTimeoutSeconds"/>.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Process? process;
        lock (_gate) process = _process;
        _stopping.Cancel();
        CloseInput(process);
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(_settings.StopTimeoutSeconds), cancellationToken);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("The worker of backend {Backend} did not stop within {Seconds} s; killing it", Backend, _settings.StopTimeoutSeconds);
            Kill(process);
            await _loop;
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await _loop;
        }
        Update(h => h with { State = WorkerStates.Stopped, Pid = null, NextStartAt = null });
    }

    /// <summary>Asks a worker to stop: it ends when its stdin does (requests in flight finish first).</summary>
    private static void CloseInput(Process? process)
    {
        try
        {
            process?.StandardInput.Close();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private static void Kill(Process? process)
    {
        try
        {
            process?.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested) await StopAsync(CancellationToken.None);
        _stopping.Dispose();
    }
}
