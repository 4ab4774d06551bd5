using System.Collections;
using System.Reflection;
using System.Runtime.Loader;

namespace PluginHost.Backends;

/// <summary>
/// ML.NET is shared by every plugin and script (it must never live in a collectible context: docs/hardening.md). It
/// caches the generic methods it makes for a type — <c>FuncMethodInfo*</c> objects in static fields, each holding an
/// <c>ImmutableDictionary</c> from type argument(s) to <see cref="MethodInfo"/> — so an entry made for a plugin's row
/// type would keep that plugin's load context alive forever. When a context unloads, its entries are removed here.
/// </summary>
internal static class MlNetCaches
{
    private const string CacheFieldName = "_instanceMethodInfo";
    private static readonly Lock Gate = new();
    private static List<(object Holder, FieldInfo Cache)>? _caches;

    /// <summary>Removes every cached method whose type arguments come from <paramref name="context"/>; returns how many.</summary>
    public static int Forget(AssemblyLoadContext context)
    {
        if (!context.IsCollectible || !MlNetLoaded()) return 0;
        var removed = 0;
        lock (Gate)
        {
            _caches ??= Find();
            foreach (var (holder, cache) in _caches)
            {
                if (cache.GetValue(holder) is not IEnumerable entries) continue;
                var stale = new List<object>();
                foreach (var entry in entries)
                {
                    var method = entry.GetType().GetProperty("Value")?.GetValue(entry) as MethodInfo;
                    if (method is not null && method.GetGenericArguments().Any(t => BelongsTo(t, context)))
                        stale.Add(entry.GetType().GetProperty("Key")!.GetValue(entry)!);
                }
                if (stale.Count == 0) continue;
                var dictionary = cache.GetValue(holder)!;
                var remove = dictionary.GetType().GetMethod("Remove", [stale[0].GetType()])!;
                foreach (var key in stale) dictionary = remove.Invoke(dictionary, [key])!;
                // A concurrent GetOrAdd may be lost: the entry is simply made again when next needed.
                cache.SetValue(holder, dictionary);
                removed += stale.Count;
            }
        }
        return removed;
    }

    private static bool MlNetLoaded() => AssemblyLoadContext.Default.Assemblies.Any(a => a.GetName().Name == "Microsoft.ML.Core");

    private static bool BelongsTo(Type type, AssemblyLoadContext context)
    {
        if (AssemblyLoadContext.GetLoadContext(type.Assembly) == context) return true;
        if (type.HasElementType && BelongsTo(type.GetElementType()!, context)) return true;
        return type.IsGenericType && type.GetGenericArguments().Any(t => BelongsTo(t, context));
    }

    /// <summary>Every <c>FuncMethodInfo*</c> held in a static field of a non-generic ML.NET type.</summary>
    private static List<(object, FieldInfo)> Find()
    {
        var found = new List<(object, FieldInfo)>();
        foreach (var assembly in AssemblyLoadContext.Default.Assemblies.Where(a => a.GetName().Name?.StartsWith("Microsoft.ML", StringComparison.Ordinal) == true))
        {
            foreach (var type in LoadableTypes(assembly))
            {
                if (type.ContainsGenericParameters) continue;
                foreach (var field in type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
                {
                    if (!field.FieldType.Name.StartsWith("Func", StringComparison.Ordinal) || !field.FieldType.Name.Contains("MethodInfo", StringComparison.Ordinal)) continue;
                    object? holder;
                    try
                    {
                        holder = field.GetValue(null);
                    }
                    catch (Exception ex) when (ex is TargetInvocationException or TypeInitializationException or NotSupportedException)
                    {
                        continue;
                    }
                    if (holder is not null && CacheField(holder.GetType()) is { } cache) found.Add((holder, cache));
                }
            }
        }
        return found;
    }

    private static FieldInfo? CacheField(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (t.GetField(CacheFieldName, BindingFlags.Instance | BindingFlags.NonPublic) is { } field) return field;
        return null;
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }
}
