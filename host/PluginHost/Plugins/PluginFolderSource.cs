using System.Reflection;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Options;
using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins;

/// <summary>
/// Loads every plugin folder of <c>PLUGINS_DIR</c> as a backend named after the folder. A folder holds the plugin's
/// main assembly (the one with a <c>.deps.json</c>) and its private dependencies; the SDK and ONNX Runtime are
/// shared with the host, everything else stays private to the plugin's unloadable load context.
/// </summary>
internal sealed class PluginFolderSource(
    BackendRegistry registry,
    BackendActivator activator,
    HostPaths paths,
    IConfiguration configuration,
    ILogger<PluginFolderSource> logger) : IHostedService
{
    /// <summary>Types whose assemblies the host and every plugin must share (one identity, one native copy).</summary>
    internal static readonly Type[] SharedTypes =
    [
        typeof(ILabelStudioBackend),
        typeof(Microsoft.ML.OnnxRuntime.InferenceSession),
        typeof(ILogger),
        typeof(IConfiguration),
        typeof(IServiceProvider),
        typeof(IOptions<>),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var root = paths.PluginsDir;
        if (!Directory.Exists(root))
        {
            logger.LogWarning("Plugins directory {PluginsDir} does not exist; no plugin backends loaded", root);
            return;
        }
        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            await LoadAsync(folder, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task LoadAsync(string folder, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(folder).ToLowerInvariant();
        registry.Declare(name);
        PluginLoader? loader = null;
        try
        {
            var mainAssembly = FindMainAssembly(folder);
            loader = PluginLoader.CreateFromAssemblyFile(mainAssembly, isUnloadable: true, SharedTypes, config => config.PreferSharedTypes = true);
            var assembly = loader.LoadDefaultAssembly();
            var settings = configuration.GetSection($"Backends:{name}:Settings");
            var definition = new BackendDefinition(name, folder, settings, configuration[$"Backends:{name}:Type"]);
            var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
                ?? assembly.GetName().Version?.ToString() ?? "0.0.1";
            var pluginLoader = loader;
            var generation = await activator.ActivateAsync(definition, assembly, version, () =>
            {
                pluginLoader.Dispose();
                return ValueTask.CompletedTask;
            }, cancellationToken);
            registry.Publish(generation);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            loader?.Dispose();
            registry.ReportFailure(name, ex is BackendLoadException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>The assembly with a <c>.deps.json</c> beside it (preferring one named like the folder).</summary>
    internal static string FindMainAssembly(string folder)
    {
        var candidates = Directory.EnumerateFiles(folder, "*.deps.json")
            .Select(deps => Path.Combine(folder, Path.GetFileName(deps)[..^".deps.json".Length] + ".dll"))
            .Where(File.Exists)
            .ToList();
        var byName = candidates.FirstOrDefault(c => Path.GetFileNameWithoutExtension(c).Equals(Path.GetFileName(folder), StringComparison.OrdinalIgnoreCase));
        return byName ?? candidates.FirstOrDefault()
            ?? throw new BackendLoadException($"No plugin assembly in {folder}: expected a .dll with its .deps.json (build output of a plugin project).");
    }
}
