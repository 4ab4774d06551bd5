using System.Text.RegularExpressions;

namespace PluginHost.Http;

/// <summary>
/// Keeps the server's directory layout (MODEL_DIR, LOCAL_FILES_DOCUMENT_ROOT, shadow copies, temp folders) out of
/// error answers: an absolute path is cut to its last segment (<c>/srv/models/ner/7/v3/model.zip</c> →
/// <c>…/model.zip</c>), so the answer still says which file. URLs are left alone. Logs keep the full text;
/// <c>ExposeErrorDetails</c> turns this off.
/// </summary>
internal static partial class ServerPathScrubber
{
    public static ApiError Scrub(ApiError error) => error with
    {
        Detail = Scrub(error.Detail),
        Diagnostics = error.Diagnostics?.Select(Scrub).ToList(),
    };

    public static string Scrub(string text) => text.Contains('/') || text.Contains('\\') ? AbsolutePath().Replace(text, Shorten) : text;

    // Label Studio's own URL paths (task data values) say nothing about this server: keep them.
    private static readonly string[] LabelStudioPaths = ["/data/upload/", "/data/local-files/", "/storage-data/", "/tasks/", "/api/"];

    private static string Shorten(Match match) =>
        LabelStudioPaths.Any(p => match.Value.StartsWith(p, StringComparison.Ordinal)) ? match.Value : "…/" + LastSegment(match.Value);

    private static string LastSegment(string path) => path.TrimEnd('/', '\\') is var trimmed && trimmed.LastIndexOfAny(['/', '\\']) is var at and >= 0 ? trimmed[(at + 1)..] : trimmed;

    // An absolute Unix path of two or more segments not inside a URL (not after a word character, ':' or '/'),
    // or a Windows drive path.
    [GeneratedRegex(@"(?<![\w:/.~-])/(?:[\w.@+~-]+/)+[\w.@+~-]*|\b[A-Za-z]:\\(?:[^\\\s'"":*?<>|]+\\)+[^\\\s'"":*?<>|]*", RegexOptions.CultureInvariant)]
    private static partial Regex AbsolutePath();
}
