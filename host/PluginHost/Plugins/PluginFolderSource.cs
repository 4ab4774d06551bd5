using System.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using PluginHost.Backends;
using PluginHost.CodeSources;
using PluginHost.Configuration;
using PluginHost.Metrics;

namespace PluginHost.Plugins;

/// <summary>
/// Serves every plugin folder of <c>PLUGINS_DIR</c>, and keeps serving while they change:
/// <list type="bullet">
/// <item>a new folder becomes its backends (one named after the folder, or those the <c>Backends</c> section declares);</item>
/// <item>changed files load a new version in the background from a private copy; each backend swaps to it atomically,
/// requests in flight finish on the old one, which then unloads;</item>
/// <item>a removed folder removes its backends;</item>
/// <item>a version that fails to load or to start is reported (log, /health, JSON 503 while nothing good is loaded)
/// and the last good version keeps serving.</item>
/// </list>
/// Changes are noticed by a file watcher (debounced) and by a periodic rescan; a folder is loaded only once its
/// files stopped changing, and again only when they change (a broken version is reported once, not retried).
/// </summary>
internal sealed class PluginFolderSource(
    BackendRegistry registry,
    BackendActivator activator,
    HostPaths paths,
    Isolation.BackendPlacement placement,
    IConfiguration configuration,
    IOptions<PluginWatchSettings> watchOptions,
    ILogger<PluginFolderSource> logger) : IHostedService
{
    private static readonly TimeSpan MaxSettleTime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ConfigurationSettleTime = TimeSpan.FromMilliseconds(500);
    // A build writes for a while; the settle check in WaitUntilStableAsync covers longer writes.
    private static readonly TimeSpan MaxDebounceDelay = TimeSpan.FromSeconds(5);

    private readonly PluginWatchSettings _settings = watchOptions.Value;
    private readonly Dictionary<string, FolderState> _folders = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _reportedProblems = new(StringComparer.OrdinalIgnoreCase);
    private IReadOnlyList<BackendInstanceConfig> _instances = [];
    private volatile bool _configurationChanged;
    private IDisposable? _configurationSubscription;
    private PluginShadowCopies _shadowCopies = null!;
    private CodeChangeLoop? _changes;

    private string Root => paths.PluginsDir;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _shadowCopies = new PluginShadowCopies(_settings.ShadowCopyDir, logger);
        _instances = BackendInstanceConfig.ReadAll(configuration);
        if (!TryEnsureRoot()) return;

        // The first scan loads what is there before the host serves; changes after it are loaded in the background.
        try
        {
            await ScanAsync(waitForStableFolders: false, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Scanning the plugins directory {PluginsDir} failed; the watcher retries", Root);
        }
        if (!_settings.WatchPlugins) return;
        var timing = new CodeChangeTiming(TimeSpan.FromSeconds(_settings.PluginRescanSeconds),
            TimeSpan.FromMilliseconds(_settings.PluginDebounceMilliseconds), MaxDebounceDelay);
        _changes = new CodeChangeLoop(Root, timing, RescanAsync, logger);
        _configurationSubscription = ChangeToken.OnChange(configuration.GetReloadToken, () =>
        {
            _configurationChanged = true;
            _changes.Signal();
        });
        _changes.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _configurationSubscription?.Dispose();
        if (_changes is not null) await _changes.DisposeAsync();
        // Let every version drain and unload (and its shadow copy go) instead of leaking it until the process exits.
        foreach (var folder in _folders.Keys.ToList()) RemoveFolder(folder);
    }

    private bool TryEnsureRoot()
    {
        if (Directory.Exists(Root)) return true;
        try
        {
            Directory.CreateDirectory(Root);
            logger.LogInformation("Created the plugins directory {PluginsDir}", Root);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Plugins directory {PluginsDir} does not exist and cannot be created ({Error}); no plugin backends loaded", Root, ex.Message);
            return false;
        }
    }

    /// <summary>A scan of the change loop: after a configuration reload, first let its sources agree, then re-read it.</summary>
    private async Task RescanAsync(CancellationToken cancellationToken)
    {
        if (_configurationChanged)
        {
            // Configuration sources reload one after another: give them a moment to agree.
            await Task.Delay(ConfigurationSettleTime, cancellationToken);
            _configurationChanged = false;
            _instances = BackendInstanceConfig.ReadAll(configuration);
        }
        await ScanAsync(waitForStableFolders: true, cancellationToken);
    }

    /// <summary>Brings the registry in line with the folders on disk and the configuration.</summary>
    private async Task ScanAsync(bool waitForStableFolders, CancellationToken cancellationToken)
    {
        var folders = ListFolders();
        var plan = BackendInstancePlan.Resolve(_instances, folders.Keys.ToList());

        foreach (var gone in _folders.Keys.Where(name => !folders.ContainsKey(name)).ToList())
        {
            logger.LogInformation("Plugin folder {Plugin} was removed", gone);
            RemoveFolder(gone);
        }
        ReportConfigurationProblems(plan);

        foreach (var (name, path) in folders)
        {
            var fingerprint = FolderFingerprint.Compute(path);
            if (fingerprint is null) continue; // empty: files are probably on their way
            var configured = plan.For(name);
            var planned = configured.Where(p => placement.RunsHere(p.Name)).ToList();
            // Every backend of the folder runs in another process (a worker; in a worker, the host or another worker).
            if (planned.Count == 0 && configured.Count > 0) continue;
            var signature = string.Join('\n', planned.Select(p => p.Signature));
            if (_folders.TryGetValue(name, out var state) && state.Fingerprint == fingerprint && state.PlanSignature == signature) continue;
            if (waitForStableFolders && state?.Fingerprint != fingerprint)
            {
                fingerprint = await WaitUntilStableAsync(path, fingerprint, cancellationToken);
                if (fingerprint is null) continue;
            }
            await LoadFolderAsync(name, path, fingerprint, signature, planned, cancellationToken);
        }
    }

    /// <summary>Subfolders by route name (lower case); hidden folders (<c>.name</c>) are staging areas, not plugins.</summary>
    private Dictionary<string, string> ListFolders()
    {
        var folders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!Directory.Exists(Root)) return folders;
        foreach (var path in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path).ToLowerInvariant();
            if (name.StartsWith('.')) continue;
            if (!folders.TryAdd(name, path))
                logger.LogWarning("Plugin folders {First} and {Second} map to the same route '{Name}'; ignoring the second", folders[name], path, name);
        }
        return folders;
    }

    private void ReportConfigurationProblems(BackendInstancePlan plan)
    {
        foreach (var (name, error) in plan.Problems)
        {
            if (!placement.RunsHere(name)) continue; // its worker reports it
            if (_reportedProblems.TryGetValue(name, out var reported) && reported == error) continue;
            _reportedProblems[name] = error;
            registry.ReportFailure(name, error);
        }
        foreach (var name in _reportedProblems.Keys.Where(n => !plan.Problems.ContainsKey(n)).ToList())
        {
            _reportedProblems.Remove(name);
            if (!plan.Makes(name)) registry.Remove(name);
        }
    }

    /// <summary>Waits until the folder's files stay the same for the settle time; null when it vanished or never settled.</summary>
    private async Task<string?> WaitUntilStableAsync(string path, string fingerprint, CancellationToken cancellationToken)
    {
        var settle = TimeSpan.FromMilliseconds(_settings.PluginSettleMilliseconds);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            await Task.Delay(settle, cancellationToken);
            var again = FolderFingerprint.Compute(path);
            if (again is null || again == fingerprint) return again;
            fingerprint = again;
            if (waited.Elapsed > MaxSettleTime)
            {
                logger.LogWarning("Plugin folder {Folder} keeps changing; will try again on the next scan", path);
                return null;
            }
        }
    }

    private async Task LoadFolderAsync(string name, string path, string fingerprint, string signature,
        IReadOnlyList<PlannedBackend> planned, CancellationToken cancellationToken)
    {
        if (!_folders.TryGetValue(name, out var state)) _folders[name] = state = new FolderState();
        state.Fingerprint = fingerprint;
        state.PlanSignature = signature;
        foreach (var stale in state.Backends.Where(b => !planned.Any(p => p.Name.Equals(b, StringComparison.OrdinalIgnoreCase))))
            registry.Remove(stale);
        state.Backends = planned.Select(p => p.Name).ToList();
        if (planned.Count == 0)
        {
            logger.LogInformation("Plugin folder {Folder} is disabled by configuration", path);
            return;
        }
        foreach (var backend in planned) registry.Declare(backend.Name);

        var started = Stopwatch.GetTimestamp();
        string? shadowFolder = null;
        LoadedPlugin plugin;
        try
        {
            shadowFolder = _shadowCopies.Copy(path, name, cancellationToken);
            if (FolderFingerprint.Compute(path) != fingerprint)
            {
                // Written to while we copied: the copy may mix versions. The next scan takes the settled files.
                _shadowCopies.Delete(shadowFolder);
                state.Fingerprint = null;
                _changes?.Signal();
                return;
            }
            var copy = shadowFolder;
            plugin = LoadedPlugin.Load(path, copy, () =>
            {
                _shadowCopies.Delete(copy);
                logger.LogDebug("Plugin version {Copy} of {Folder} unloaded", copy, path);
            });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (shadowFolder is not null) _shadowCopies.Delete(shadowFolder);
            foreach (var backend in planned) registry.ReportFailure(backend.Name, Describe(ex));
            return;
        }

        try
        {
            foreach (var backend in planned) await StartBackendAsync(plugin, backend, cancellationToken);
        }
        finally
        {
            plugin.Retire(); // the loading reference: from now on the published generations keep it loaded
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        foreach (var backend in state.Backends) BackendInstruments.RecordLoad(backend, "plugin", elapsed);
        logger.LogInformation("Plugin {Plugin} {Version} loaded from {Folder} in {ElapsedMs:0} ms ({Backends})",
            name, plugin.Version, path, elapsed.TotalMilliseconds, string.Join(", ", state.Backends));
    }

    private async Task StartBackendAsync(LoadedPlugin plugin, PlannedBackend backend, CancellationToken cancellationToken)
    {
        plugin.AddReference();
        try
        {
            var definition = new BackendDefinition(backend.Name, plugin.ShadowFolder, backend.Settings, backend.Type, Origin: plugin.Folder);
            var generation = await activator.ActivateAsync(definition, plugin.Assembly, plugin.Version, () =>
            {
                plugin.Release();
                return ValueTask.CompletedTask;
            }, cancellationToken);
            registry.Publish(generation);
        }
        catch (Exception ex)
        {
            plugin.Release();
            if (ex is OperationCanceledException) throw;
            registry.ReportFailure(backend.Name, Describe(ex));
        }
    }

    private void RemoveFolder(string name)
    {
        if (!_folders.Remove(name, out var state)) return;
        foreach (var backend in state.Backends) registry.Remove(backend);
    }

    private static string Describe(Exception ex) => ex is BackendLoadException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";

    /// <summary>What was last loaded (or tried) from a folder.</summary>
    private sealed class FolderState
    {
        /// <summary>The files last loaded or tried; null forces a reload.</summary>
        public string? Fingerprint { get; set; }

        /// <summary>The configured backends of that load (names, types, settings).</summary>
        public string PlanSignature { get; set; } = "";

        /// <summary>Route names made from this folder.</summary>
        public List<string> Backends { get; set; } = [];
    }
}
