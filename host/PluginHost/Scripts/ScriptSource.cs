using System.Diagnostics;
using Microsoft.Extensions.Options;
using PluginHost.Backends;
using PluginHost.CodeSources;
using PluginHost.Configuration;
using PluginHost.Metrics;

namespace PluginHost.Scripts;

/// <summary>
/// Serves every <c>&lt;name&gt;.csx</c> of <c>SCRIPTS_DIR</c> as backend <c>&lt;name&gt;</c> (lowercased), recompiled on
/// save: a file watcher (debounced) and a periodic rescan (watchers miss events) notice changes; a script whose
/// sources, <c>#load</c>ed files or <c>#r</c> DLLs changed is compiled in the background, loaded into a fresh
/// collectible context and published only if it compiled and its backend could be created. Otherwise the last good
/// version keeps serving and the diagnostics go to the log and to <c>/health</c>. Deleting a script removes its
/// backend. Files whose name starts with <c>_</c> and files in subfolders are helpers for <c>#load</c>, not backends.
/// </summary>
public sealed class ScriptSource : IHostedService, IAsyncDisposable
{
    private readonly BackendRegistry _registry;
    private readonly BackendActivator _activator;
    private readonly IConfiguration _configuration;
    private readonly Isolation.BackendPlacement _placement;
    private readonly ScriptOptions _options;
    private readonly ILogger<ScriptSource> _logger;
    private readonly ScriptCompiler _compiler = new(new ScriptReferences());
    private readonly Dictionary<string, ScriptState> _scripts = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _conflictsReported = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _rescanGate = new(1, 1);
    private readonly string _libsDir;
    private readonly CodeChangeLoop _changes;
    private bool _stopped;

    public ScriptSource(BackendRegistry registry, BackendActivator activator, HostPaths paths, IConfiguration configuration,
        IOptions<ScriptOptions> options, ILogger<ScriptSource> logger, Isolation.BackendPlacement placement)
    {
        _placement = placement;
        _registry = registry;
        _activator = activator;
        _configuration = configuration;
        _options = options.Value;
        _logger = logger;
        ScriptsDir = paths.ScriptsDir;
        _libsDir = _options.ResolveScriptLibsDir();
        // Editors save in several writes: wait for a quiet moment, but not forever.
        var timing = new CodeChangeTiming(TimeSpan.FromSeconds(Math.Max(0.1, _options.ScriptRescanSeconds)),
            TimeSpan.FromMilliseconds(Math.Max(0, _options.ScriptDebounceMilliseconds)), TimeSpan.FromSeconds(1));
        _changes = new CodeChangeLoop(ScriptsDir, timing, RescanAsync, logger);
    }

    public string ScriptsDir { get; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(ScriptsDir))
            _logger.LogWarning("Scripts directory {ScriptsDir} does not exist; script backends appear once it does", ScriptsDir);
        await RescanAsync(cancellationToken);
        _changes.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        await _changes.StopAsync(cancellationToken);
        await _rescanGate.WaitAsync(cancellationToken);
        try
        {
            // Retire every generation so their load contexts unload (a host stopped inside a process, as in tests).
            foreach (var name in _scripts.Keys.ToList()) _registry.Remove(name);
            _scripts.Clear();
        }
        finally
        {
            _rescanGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped) await StopAsync(CancellationToken.None);
        await _changes.DisposeAsync();
        _rescanGate.Dispose();
    }

    /// <summary>Reads every script now and reloads the changed ones (the watcher and the periodic rescan call this).</summary>
    internal async Task RescanAsync(CancellationToken cancellationToken)
    {
        await _rescanGate.WaitAsync(cancellationToken);
        try
        {
            if (_stopped) return;
            var present = ListScripts();
            foreach (var gone in _scripts.Keys.Where(name => !present.ContainsKey(name)).ToList())
            {
                _scripts.Remove(gone);
                _registry.Remove(gone);
                _logger.LogInformation("Script backend {Backend} removed: its file is gone", gone);
            }
            foreach (var (name, path) in present)
                await RefreshAsync(name, path, cancellationToken);
        }
        finally
        {
            _rescanGate.Release();
        }
    }

    private Dictionary<string, string> ListScripts()
    {
        var scripts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!Directory.Exists(ScriptsDir)) return scripts;
        foreach (var path in Directory.EnumerateFiles(ScriptsDir, "*.csx", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
        {
            var fileName = Path.GetFileNameWithoutExtension(path);
            if (fileName.StartsWith('_')) continue;
            var backend = fileName.ToLowerInvariant();
            if (!_placement.RunsHere(backend)) continue; // served by a worker process (or by the host)
            if (!scripts.TryAdd(backend, path))
                _logger.LogWarning("Script {Path} ignored: another script already has the backend name {Backend}", path, backend);
        }
        return scripts;
    }

    private async Task RefreshAsync(string name, string path, CancellationToken cancellationToken)
    {
        if (!_scripts.TryGetValue(name, out var state))
        {
            if (_registry.TryGet(name, out _))
            {
                if (_conflictsReported.Add(name))
                    _logger.LogWarning("Script {Path} ignored: a backend named {Backend} already exists (a plugin); rename the script", path, name);
                return;
            }
            state = new ScriptState();
            _scripts[name] = state;
            _registry.Declare(name);
        }

        var bundle = await ScriptBundle.ReadAsync(path, ScriptsDir, _libsDir, cancellationToken);
        if (bundle.Fingerprint == state.Fingerprint) return;
        state.Fingerprint = bundle.Fingerprint;
        await LoadAsync(name, bundle, cancellationToken);
    }

    private async Task LoadAsync(string name, ScriptBundle bundle, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var file = Path.GetFileName(bundle.MainPath);
        var compilation = _compiler.Compile(name, bundle, cancellationToken);
        foreach (var warning in compilation.Diagnostics.Where(d => !d.IsError))
            _logger.LogDebug("Script {Backend}: {Diagnostic}", name, warning);
        if (!compilation.Succeeded)
        {
            var errors = compilation.Errors.Select(e => e.ToString()).ToList();
            _registry.ReportFailure(name, $"{file} does not compile ({errors.Count} error{(errors.Count == 1 ? "" : "s")}); the last good version, if any, keeps serving.", errors);
            return;
        }

        var context = new ScriptLoadContext(name, bundle.MainPath, bundle.ShortVersion, bundle.References);
        var unloaded = 0;
        ValueTask Unload()
        {
            if (Interlocked.Exchange(ref unloaded, 1) != 0) return ValueTask.CompletedTask;
            Backends.MlNetCaches.Forget(context);
            context.Unload();
            return ValueTask.CompletedTask;
        }
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(compilation.Image!), new MemoryStream(compilation.Symbols!));
            var definition = new BackendDefinition(name, Path.GetDirectoryName(bundle.MainPath)!,
                _configuration.GetSection($"Backends:{name}:Settings"), _configuration[$"Backends:{name}:Type"]);
            var generation = await ActivateAsync(definition, assembly, bundle.ShortVersion, Unload, cancellationToken);
            _registry.Publish(generation);
            BackendInstruments.RecordLoad(name, "script", Stopwatch.GetElapsedTime(started));
            _logger.LogInformation("Script {Backend} ({File}) compiled in {CompileMs:0} ms, serving in {TotalMs:0} ms", name, file,
                compilation.Elapsed.TotalMilliseconds, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex)
        {
            await Unload();
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
            var message = ex is BackendLoadException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            _registry.ReportFailure(name, $"{file}: {message}", ScriptStackLines(ex));
        }
    }

    /// <summary>Runs the backend's constructor off the rescan loop, bounded so a hanging constructor cannot stall
    /// every other script's reloads; a late instance is disposed when it finally arrives.</summary>
    private async Task<BackendGeneration> ActivateAsync(BackendDefinition definition, System.Reflection.Assembly assembly, string version,
        Func<ValueTask> unload, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(_options.ScriptActivationTimeoutSeconds);
        var pending = Task.Run(() => _activator.ActivateAsync(definition, assembly, version, unload, cancellationToken), cancellationToken);
        try
        {
            return await pending.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            _ = pending.ContinueWith(t => t.Result.Retire(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw new BackendLoadException($"its backend was not created within {timeout.TotalSeconds:0.#} s (ScriptActivationTimeoutSeconds); does its constructor hang?");
        }
    }

    /// <summary>The frames of a failure that are in script files, e.g. <c>at Rules..ctor() in rules.csx:line 12</c>.</summary>
    private List<string> ScriptStackLines(Exception exception)
    {
        var lines = new List<string>();
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            foreach (var frame in new StackTrace(ex, fNeedFileInfo: true).GetFrames())
            {
                if (frame.GetFileName() is not { } fileName || !fileName.EndsWith(".csx", StringComparison.OrdinalIgnoreCase)) continue;
                var method = frame.GetMethod();
                var display = Path.GetRelativePath(ScriptsDir, fileName);
                lines.Add($"{display}({frame.GetFileLineNumber()},{frame.GetFileColumnNumber()}): {ex.GetType().Name} in {method?.DeclaringType?.Name}.{method?.Name}: {ex.Message}");
            }
        }
        return lines;
    }

    private sealed class ScriptState
    {
        /// <summary>The sources last tried (compiled or not): unchanged sources are not recompiled.</summary>
        public string? Fingerprint { get; set; }
    }
}
