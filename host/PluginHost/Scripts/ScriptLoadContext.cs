using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace PluginHost.Scripts;

/// <summary>
/// The collectible load context of one compiled version of a script. The script's own assembly and the DLLs of
/// its <c>#r</c> lines (with their dependencies and native libraries, probed beside them) live here and unload with
/// it; everything the host provides (the SDK, Microsoft.Extensions, the framework, ONNX Runtime) is taken from the
/// default context so types are shared and nothing is loaded twice.
/// </summary>
public sealed class ScriptLoadContext : AssemblyLoadContext
{
    private static readonly List<WeakReference<ScriptLoadContext>> Created = [];
    private readonly IReadOnlyList<string> _probeDirectories;

    internal ScriptLoadContext(string backendName, string scriptPath, string codeVersion, IEnumerable<string> referencedDlls)
        : base($"script:{backendName}:{codeVersion}", isCollectible: true)
    {
        ScriptPath = scriptPath;
        _probeDirectories = referencedDlls.Select(Path.GetDirectoryName).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        lock (Created)
        {
            Created.RemoveAll(w => !w.TryGetTarget(out _));
            Created.Add(new WeakReference<ScriptLoadContext>(this));
        }
    }

    /// <summary>
    /// Contexts of scripts under <paramref name="folder"/> not yet garbage collected, unloading ones included
    /// (<see cref="AssemblyLoadContext.All"/> forgets a context as soon as it starts unloading, so it cannot tell
    /// an old version that is gone from one that something still holds). For leak checks.
    /// </summary>
    public static int CountNotCollected(string folder)
    {
        lock (Created)
            return Created.Count(w => w.TryGetTarget(out var context) && context.ScriptPath.StartsWith(folder, StringComparison.Ordinal));
    }

    /// <summary>The <c>.csx</c> file this context runs (tests and diagnostics find live contexts by it).</summary>
    public string ScriptPath { get; }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is not { } name || ScriptReferences.IsHostAssembly(name)) return null;
        foreach (var directory in _probeDirectories)
        {
            var candidate = Path.Combine(directory, name + ".dll");
            if (File.Exists(candidate)) return LoadFromAssemblyPath(candidate);
        }
        return null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var directory in _probeDirectories)
        foreach (var candidate in NativeCandidates(directory, unmanagedDllName))
            if (File.Exists(candidate)) return LoadUnmanagedDllFromPath(candidate);
        return IntPtr.Zero;
    }

    /// <summary>Where a build puts native libraries: beside the DLL, or under <c>runtimes/&lt;rid&gt;/native</c>.</summary>
    private static IEnumerable<string> NativeCandidates(string directory, string name)
    {
        var fileNames = Path.HasExtension(name) ? [name] : new[] { name, $"lib{name}.so", $"{name}.so", $"lib{name}.dylib", $"{name}.dll" };
        var folders = new[] { directory, Path.Combine(directory, "runtimes", RuntimeInformation.RuntimeIdentifier, "native"), Path.Combine(directory, "runtimes", PortableRid, "native") };
        return folders.SelectMany(folder => fileNames.Select(file => Path.Combine(folder, file)));
    }

    private static readonly string PortableRid =
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
}
