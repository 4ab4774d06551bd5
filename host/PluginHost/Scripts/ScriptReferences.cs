using System.Collections.Concurrent;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.Options;
using PluginHost.Sdk.Backends;

namespace PluginHost.Scripts;

/// <summary>
/// The metadata every script compiles against, created once and reused (building ~170 framework references is
/// most of a first compile): the .NET base library, the SDK and the Microsoft.Extensions abstractions the SDK
/// exposes (logging, options, DI, configuration) and ONNX Runtime (shared with the host). Also knows which
/// assemblies the host's default load context provides, so a script's context takes those from there.
/// </summary>
internal sealed class ScriptReferences
{
    /// <summary>Assemblies beyond the base library that scripts see: the SDK and what its API exposes.</summary>
    private static readonly Type[] SharedApiTypes =
    [
        typeof(ILabelStudioBackend),
        typeof(ILogger),
        typeof(IOptions<>),
        typeof(IServiceCollection),
        typeof(IConfiguration),
        typeof(Microsoft.Extensions.Primitives.StringValues),
        typeof(Microsoft.ML.OnnxRuntime.InferenceSession),
    ];

    private readonly Lazy<(IReadOnlyList<MetadataReference> References, HashSet<string> Names)> _defaults = new(CreateDefaults);
    private readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), MetadataReference> _files = new();
    private readonly ConcurrentDictionary<(string Path, long Length, DateTime Written), List<MetadataReference>> _closures = new();

    /// <summary>Every assembly the default context resolves (the app's and the framework's): simple name → path.</summary>
    private static readonly Dictionary<string, string> HostAssemblies = ReadHostAssemblies();

    /// <summary>True when the host's default context provides the assembly: a script then shares the host's copy.</summary>
    public static bool IsHostAssembly(string simpleName) => HostAssemblies.ContainsKey(simpleName);

    /// <summary>Namespaces of the SDK, imported by every script (<c>global using</c>), plus the usual ones.</summary>
    public static IReadOnlyList<string> DefaultImports { get; } =
    [
        "System", "System.Collections.Generic", "System.Globalization", "System.IO", "System.Linq", "System.Net.Http",
        "System.Text", "System.Text.Json", "System.Text.RegularExpressions", "System.Threading", "System.Threading.Tasks",
        "Microsoft.Extensions.Logging", "Microsoft.Extensions.Options",
        .. typeof(ILabelStudioBackend).Assembly.GetExportedTypes().Select(t => t.Namespace).OfType<string>().Distinct().Order(StringComparer.Ordinal),
    ];

    public IReadOnlyList<MetadataReference> Defaults => _defaults.Value.References;

    /// <summary>A <c>#r</c> DLL and the DLLs beside it that it depends on (transitively): the compiler needs a
    /// library's dependencies to see its public types. Where the host provides an assembly, its copy is used, as at
    /// run time (see <see cref="ScriptLoadContext"/>). Cached per file version.</summary>
    public IReadOnlyList<MetadataReference> ForDll(string path)
    {
        var info = new FileInfo(path);
        return _closures.GetOrAdd((path, info.Length, info.LastWriteTimeUtc), key => Closure(key.Path));
    }

    private List<MetadataReference> Closure(string path)
    {
        var result = new List<MetadataReference>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>([path]);
        while (pending.TryPop(out var next))
        {
            var name = Path.GetFileNameWithoutExtension(next);
            if (!seen.Add(name)) continue;
            if (HostAssemblies.TryGetValue(name, out var hostCopy))
            {
                if (!_defaults.Value.Names.Contains(name)) result.Add(FileReference(hostCopy));
                continue;
            }
            if (!File.Exists(next) || !IsManagedAssembly(next)) continue;
            result.Add(FileReference(next));
            foreach (var dependency in ReferencedAssemblyNames(next))
                pending.Push(Path.Combine(Path.GetDirectoryName(next)!, dependency + ".dll"));
        }
        return result;
    }

    private MetadataReference FileReference(string path)
    {
        var info = new FileInfo(path);
        return _files.GetOrAdd((path, info.Length, info.LastWriteTimeUtc), key => MetadataReference.CreateFromFile(key.Path));
    }

    private static (IReadOnlyList<MetadataReference>, HashSet<string>) CreateDefaults()
    {
        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var paths = Directory.EnumerateFiles(frameworkDir, "*.dll")
            .Where(IsManagedAssembly)
            .Concat(SharedApiTypes.Select(t => t.Assembly.Location))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var names = paths.Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        return (paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList(), names);
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new PEReader(stream);
            return pe.HasMetadata && pe.GetMetadataReader().IsAssembly;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static IEnumerable<string> ReferencedAssemblyNames(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata) return [];
        var metadata = pe.GetMetadataReader();
        return metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
    }

    private static Dictionary<string, string> ReadHostAssemblies()
    {
        var assemblies = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string tpa)
            foreach (var path in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                assemblies.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        foreach (var assembly in System.Runtime.Loader.AssemblyLoadContext.Default.Assemblies)
            if (assembly.GetName().Name is { } name && assembly.Location.Length > 0) assemblies.TryAdd(name, assembly.Location);
        return assemblies;
    }
}
