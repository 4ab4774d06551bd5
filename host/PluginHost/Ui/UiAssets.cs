using System.Collections.Frozen;

namespace PluginHost.Ui;

/// <summary>The status page's files, embedded in the host assembly (Ui/Assets): nothing to deploy, nothing from a CDN.</summary>
internal static class UiAssets
{
    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, byte[]> Files = Load();

    public static IEnumerable<string> Names => Files.Keys;

    public static async Task ServeAsync(HttpContext context, string name)
    {
        if (!Files.TryGetValue(name, out var bytes))
            throw new Http.HttpError(StatusCodes.Status404NotFound, $"The status page has no file '{name}'.");
        context.Response.ContentType = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private static FrozenDictionary<string, byte[]> Load()
    {
        var assembly = typeof(UiAssets).Assembly;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("ui/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[resource["ui/".Length..]] = copy.ToArray();
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
