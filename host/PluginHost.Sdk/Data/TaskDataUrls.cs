using System.Text;

namespace PluginHost.Sdk.Data;

/// <summary>What kind of location a task data value names (the Python SDK's <c>get_local_path</c> cases).</summary>
internal enum TaskDataKind
{
    /// <summary><c>/data/upload/…</c> (or <c>upload/…</c>): a file uploaded to Label Studio.</summary>
    Uploaded,
    /// <summary><c>/data/local-files/?d=…</c>: Label Studio's local-files storage.</summary>
    LocalFiles,
    /// <summary><c>s3://</c>, <c>gs://</c>, <c>azure-blob://</c>: presigned by Label Studio per task.</summary>
    CloudStorage,
    /// <summary>Any other path relative to Label Studio (e.g. <c>/storage-data/uploaded/?filepath=…</c>).</summary>
    LabelStudioRelative,
    /// <summary>An absolute http(s) URL.</summary>
    Http,
    /// <summary>An inline <c>data:</c> URI.</summary>
    DataUri,
}

internal static class TaskDataUrls
{
    private static readonly string[] CloudSchemes = ["s3://", "gs://", "azure-blob://"];

    public static TaskDataKind Classify(string value, out string normalized)
    {
        var trimmed = value.Trim();
        normalized = trimmed;
        if (trimmed.StartsWith("data:", StringComparison.OrdinalIgnoreCase)) return TaskDataKind.DataUri;
        if (CloudSchemes.Any(s => trimmed.StartsWith(s, StringComparison.OrdinalIgnoreCase))) return TaskDataKind.CloudStorage;
        if (normalized.StartsWith("upload/", StringComparison.Ordinal)) normalized = "/data/" + normalized;
        else if (normalized.StartsWith("/upload/", StringComparison.Ordinal)) normalized = "/data" + normalized;
        if (normalized.StartsWith("/data/upload/", StringComparison.Ordinal)) return TaskDataKind.Uploaded;
        if (normalized.StartsWith("/data/", StringComparison.Ordinal) && GetQueryValue(normalized, "d") is not null) return TaskDataKind.LocalFiles;
        if (normalized.StartsWith('/')) return TaskDataKind.LabelStudioRelative;
        if (Uri.TryCreate(normalized, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return TaskDataKind.Http;
        throw new TaskDataException(value,
            "unsupported value: expected a Label Studio path (/data/upload/…, /data/local-files/?d=…), an s3://, gs:// or azure-blob:// URI, an http(s) URL or a data: URI");
    }

    /// <summary>Joins a path to Label Studio's base URL, keeping a path prefix (Label Studio served under /ls/).</summary>
    public static string Combine(Uri baseUri, string pathAndQuery) =>
        baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + pathAndQuery.TrimStart('/');

    /// <summary>A query parameter decoded as Django does (<c>+</c> is a space).</summary>
    public static string? GetQueryValue(string url, string name)
    {
        var q = url.IndexOf('?');
        if (q < 0) return null;
        var end = url.IndexOf('#', q);
        var query = end < 0 ? url[(q + 1)..] : url[(q + 1)..end];
        foreach (var pair in query.Split('&'))
        {
            var eq = pair.IndexOf('=');
            var key = eq < 0 ? pair : pair[..eq];
            if (Unescape(key) != name) continue;
            return eq < 0 ? "" : Unescape(pair[(eq + 1)..]);
        }
        return null;
    }

    /// <summary>Label Studio decodes <c>fileuri</c> with urlsafe base64 (falling back to percent-decoding); its own
    /// front end sends it base64-encoded, so do the same.</summary>
    public static string PresignPath(long taskId, string cloudUri) =>
        $"/tasks/{taskId}/presign/?fileuri={Uri.EscapeDataString(Convert.ToBase64String(Encoding.UTF8.GetBytes(cloudUri)).Replace('+', '-').Replace('/', '_'))}";

    public static bool SameOrigin(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>A short, safe file name for a cache entry, keeping the extension image decoders and humans like.</summary>
    public static string FileNameHint(string value, TaskDataKind kind)
    {
        string? name = kind switch
        {
            TaskDataKind.LocalFiles => GetQueryValue(value, "d"),
            TaskDataKind.DataUri => "data" + DataUri.ExtensionFor(value),
            TaskDataKind.CloudStorage => value,
            _ => GetQueryValue(value, "filepath") ?? PathOf(value),
        };
        name = (name ?? "").TrimEnd('/');
        var slash = name.LastIndexOf('/');
        if (slash >= 0) name = name[(slash + 1)..];
        var safe = new StringBuilder(Math.Min(name.Length, 80));
        foreach (var c in name)
        {
            if (safe.Length == 80) break;
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }
        return safe.Length == 0 || safe.ToString().Trim('.').Length == 0 ? "file" : safe.ToString();
    }

    private static string PathOf(string value)
    {
        var q = value.IndexOfAny(['?', '#']);
        var path = q < 0 ? value : value[..q];
        return Uri.TryCreate(path, UriKind.Absolute, out var uri) ? uri.AbsolutePath : path;
    }

    private static string Unescape(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
}

/// <summary>RFC 2397 <c>data:[&lt;mediatype&gt;][;base64],&lt;data&gt;</c>.</summary>
internal static class DataUri
{
    public static byte[] Decode(string uri)
    {
        var comma = uri.IndexOf(',');
        if (comma < 0) throw new TaskDataException(uri, "malformed data: URI (no comma)");
        var header = uri[5..comma];
        var payload = uri[(comma + 1)..];
        if (header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return Convert.FromBase64String(Uri.UnescapeDataString(payload).Replace('-', '+').Replace('_', '/').Trim());
            }
            catch (FormatException ex)
            {
                throw new TaskDataException(uri, "malformed data: URI (invalid base64)", inner: ex);
            }
        }
        return Encoding.UTF8.GetBytes(Uri.UnescapeDataString(payload));
    }

    public static string ExtensionFor(string uri)
    {
        var end = uri.IndexOfAny([';', ',']);
        var media = end > 5 ? uri[5..end].ToLowerInvariant() : "";
        return media switch
        {
            "image/jpeg" or "image/jpg" => ".jpg",
            "image/png" => ".png",
            "image/webp" => ".webp",
            "image/gif" => ".gif",
            "image/bmp" => ".bmp",
            "audio/wav" or "audio/x-wav" => ".wav",
            "audio/mpeg" => ".mp3",
            "text/plain" => ".txt",
            "application/json" => ".json",
            _ => ".bin",
        };
    }
}
