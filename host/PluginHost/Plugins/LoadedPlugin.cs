using System.Runtime.Loader;
using System.Reflection;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.Options;
using PluginHost.Backends;
using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins;

/// <summary>
/// One version of a plugin folder loaded into its own unloadable load context, from a shadow copy. Every backend
/// generation made from it holds a reference (<see cref="Drainable"/>); once the loader retired it and the last
/// generation let go, the context unloads and the copy is deleted. Every assembly the host carries comes from the host
/// (<c>PreferSharedTypes</c>): the SDK, ONNX Runtime (one native copy), the Microsoft.Extensions abstractions and ML.NET,
/// which must never be loaded into a collectible context (docs/hardening.md, "The runtime crash"); everything else is
/// private to the plugin.
/// </summary>
internal sealed class LoadedPlugin : Drainable
{
    /// <summary>Types whose assemblies the host and every plugin must share.</summary>
    internal static readonly Type[] SharedTypes =
    [
        typeof(ILabelStudioBackend),
        typeof(Microsoft.ML.OnnxRuntime.InferenceSession),
        typeof(ILogger),
        typeof(IConfiguration),
        typeof(IServiceProvider),
        typeof(IOptions<>),
    ];

    private readonly PluginLoader _loader;
    private readonly Action _onUnloaded;

    private LoadedPlugin(string folder, string shadowFolder, PluginLoader loader, Assembly assembly, Action onUnloaded)
    {
        Folder = folder;
        ShadowFolder = shadowFolder;
        _loader = loader;
        Assembly = assembly;
        _onUnloaded = onUnloaded;
        Version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? assembly.GetName().Version?.ToString() ?? "0.0.1";
    }

    /// <summary>The live plugin folder (what /health shows).</summary>
    public string Folder { get; }

    /// <summary>The private copy the code was loaded from.</summary>
    public string ShadowFolder { get; }

    public Assembly Assembly { get; }

    /// <summary>The plugin assembly's informational version, e.g. <c>1.2.0</c>.</summary>
    public string Version { get; }

    /// <summary>Loads the main assembly of <paramref name="shadowFolder"/>; throws <see cref="BackendLoadException"/> with the reason.</summary>
    /// <param name="onUnloaded">Runs after the last reference went and the load context was told to unload.</param>
    public static LoadedPlugin Load(string folder, string shadowFolder, Action onUnloaded)
    {
        var mainAssembly = FindMainAssembly(shadowFolder, Path.GetFileName(folder), folder);
        // LoadInMemory stays off: the shadow copy is never rewritten, so mapping it is safe and natives resolve
        // from it (through the shared native store) instead of McMaster's racy temp copies.
        var loader = PluginLoader.CreateFromAssemblyFile(mainAssembly, isUnloadable: true, SharedTypes, config => config.PreferSharedTypes = true);
        try
        {
            return new LoadedPlugin(folder, shadowFolder, loader, loader.LoadDefaultAssembly(), onUnloaded);
        }
        catch (Exception ex)
        {
            loader.Dispose();
            throw new BackendLoadException($"{Path.GetFileName(mainAssembly)} of {folder} could not be loaded: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    /// <summary>A generation's reference; the plugin must still be loaded.</summary>
    public void AddReference()
    {
        if (!TryAcquire()) throw new InvalidOperationException($"Plugin {Folder} was already unloaded.");
    }

    protected override ValueTask DisposeCoreAsync()
    {
        if (AssemblyLoadContext.GetLoadContext(Assembly) is { } context) MlNetCaches.Forget(context);
        _loader.Dispose();
        _onUnloaded();
        return ValueTask.CompletedTask;
    }

    /// <summary>The assembly with a <c>.deps.json</c> beside it, preferring one named like the folder.</summary>
    /// <param name="folder">Where to look.</param>
    /// <param name="preferredName">The plugin folder's name.</param>
    /// <param name="displayFolder">The folder named in the error (the live folder, not the copy).</param>
    internal static string FindMainAssembly(string folder, string preferredName, string displayFolder)
    {
        var candidates = Directory.EnumerateFiles(folder, "*.deps.json")
            .Select(deps => Path.Combine(folder, Path.GetFileName(deps)[..^".deps.json".Length] + ".dll"))
            .Where(File.Exists)
            .Order(StringComparer.Ordinal)
            .ToList();
        var byName = candidates.FirstOrDefault(c => Path.GetFileNameWithoutExtension(c).Equals(preferredName, StringComparison.OrdinalIgnoreCase));
        return byName ?? candidates.FirstOrDefault()
            ?? throw new BackendLoadException($"No plugin assembly in {displayFolder}: expected a .dll with its .deps.json (the build output of a plugin project).");
    }
}
