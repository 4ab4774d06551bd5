using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PluginHost.Configuration;

namespace PluginHost.Isolation;

/// <summary>
/// The supervisors of every isolated backend (<c>Backends:&lt;route&gt;:Isolation = process</c>), one worker process
/// each, with their sockets in a private folder (mode 0700) of this host. Started first among the host's services so
/// the workers boot while the host loads its own backends; <see cref="IsolatedWorkersReady"/> waits for them.
/// </summary>
internal sealed class IsolatedWorkers : IHostedService, IAsyncDisposable
{
    private const string FolderPrefix = "pluginhost-";

    private readonly Dictionary<string, WorkerSupervisor> _supervisors = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger<IsolatedWorkers> _logger;
    private readonly string? _socketDir;
    private readonly IDisposable? _configurationChanges;

    public IsolatedWorkers(BackendPlacement placement, IConfiguration configuration, HostPaths paths,
        IOptions<IsolationSettings> options, ILoggerFactory loggers)
    {
        _logger = loggers.CreateLogger<IsolatedWorkers>();
        if (placement.IsolatedBackends.Count == 0) return;
        var settings = options.Value;
        _socketDir = SocketFolder(settings);
        var supervisorLogger = loggers.CreateLogger<WorkerSupervisor>();
        foreach (var backend in placement.IsolatedBackends.Order(StringComparer.Ordinal))
            _supervisors[backend] = new WorkerSupervisor(backend, Path.Combine(_socketDir, backend + ".sock"), configuration, paths, settings, supervisorLogger);
        _configurationChanges = ChangeToken.OnChange(configuration.GetReloadToken, () =>
        {
            foreach (var supervisor in _supervisors.Values) supervisor.OnConfigurationChanged();
        });
    }

    public IEnumerable<WorkerSupervisor> All => _supervisors.Values;

    public bool TryGet(string backend, out WorkerSupervisor supervisor) => _supervisors.TryGetValue(backend, out supervisor!);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_socketDir is null) return Task.CompletedTask;
        RemoveFoldersOfDeadHosts(Path.GetDirectoryName(_socketDir)!);
        // Only the host's user may reach the workers (they trust every request: auth is the host's).
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(_socketDir);
        else Directory.CreateDirectory(_socketDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var supervisor in _supervisors.Values) supervisor.Start();
        _logger.LogInformation("Starting worker processes for isolated backends {Backends}", string.Join(", ", _supervisors.Keys));
        return Task.CompletedTask;
    }

    /// <summary>Until every worker answered once or failed its first start.</summary>
    public Task FirstAttemptsAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_supervisors.Values.Select(s => s.FirstAttempt)).WaitAsync(cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_supervisors.Values.Select(s => s.StopAsync(cancellationToken)));
        if (_socketDir is not null && Directory.Exists(_socketDir))
        {
            try
            {
                Directory.Delete(_socketDir, recursive: true);
            }
            catch (IOException ex)
            {
                _logger.LogWarning("Could not remove the worker socket folder {Folder}: {Error}", _socketDir, ex.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _configurationChanges?.Dispose();
        foreach (var supervisor in _supervisors.Values) await supervisor.DisposeAsync();
    }

    /// <summary>A host that was killed (SIGKILL, OOM) could not remove its socket folder: the next host does.</summary>
    private void RemoveFoldersOfDeadHosts(string root)
    {
        if (!Directory.Exists(root)) return;
        foreach (var folder in Directory.EnumerateDirectories(root, FolderPrefix + "*"))
        {
            var parts = Path.GetFileName(folder).Split('-');
            if (parts.Length != 3 || !int.TryParse(parts[1], out var pid) || IsAlive(pid)) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _logger.LogDebug("Could not remove the stale worker socket folder {Folder}: {Error}", folder, ex.Message);
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>One folder per host instance (several hosts may share a process, as in tests); short, since a socket
    /// path is limited to 107 bytes.</summary>
    private static string SocketFolder(IsolationSettings settings)
    {
        var root = settings.SocketDir.Length > 0 ? settings.SocketDir
            : Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && Directory.Exists(runtime) ? runtime
            : Path.GetTempPath();
        return Path.Combine(Path.GetFullPath(root), $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
    }
}
