using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PluginHost.Tests.Shared;

/// <summary>One request a fake server saw.</summary>
public sealed record SeenRequest(string Method, string PathAndQuery, string? Authorization);

/// <summary>
/// A small Label Studio stand-in on 127.0.0.1 (real Kestrel, random port), shared by the task-data and training
/// tests (linked into both test projects): uploads under <c>/data/upload/</c>, the storage proxy, local files,
/// per-task presign (redirecting to another origin), the project export (<c>GET /api/projects/{id}/export</c>), the
/// project (<c>GET /api/projects/{id}</c>) and <c>/api/token/refresh/</c> issuing short-lived access JWTs for a personal
/// access token. Auth is checked exactly as Label Studio does: <c>Token &lt;legacy&gt;</c> or <c>Bearer &lt;access&gt;</c>.
/// </summary>
public sealed class FakeLabelStudio : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private readonly ConcurrentDictionary<string, byte> _validAccessTokens = new();
    private int _refreshes;

    private FakeLabelStudio()
    {
    }

    /// <summary>The base URL, without a trailing slash.</summary>
    public string Url => _server.Url;

    /// <summary>The base URL with a trailing slash.</summary>
    public Uri BaseAddress => new(Url + "/");

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    /// <summary>The requests as <c>METHOD /path?query</c> lines.</summary>
    public IEnumerable<string> RequestLines => Requests.Select(r => $"{r.Method} {r.PathAndQuery}");

    /// <summary>The export JSON per project id.</summary>
    public ConcurrentDictionary<string, string> Exports { get; } = new();

    /// <summary>The label config per project id.</summary>
    public ConcurrentDictionary<string, string> LabelConfigs { get; } = new();

    /// <summary>Files served under their path (e.g. <c>/data/upload/1/a.png</c> or <c>/bucket/a.png</c>).</summary>
    public ConcurrentDictionary<string, byte[]> Files { get; } = new();

    public string LegacyToken { get; set; } = "0123456789abcdef0123456789abcdef01234567";

    /// <summary>The personal access token (a JWT refresh token) this server accepts at /api/token/refresh/.</summary>
    public string PersonalAccessToken { get; set; } = MakeJwt(DateTimeOffset.UtcNow.AddDays(30), "refresh");

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether <c>/storage-data/uploaded/</c> exists (newer Label Studio) or answers 404 (older).</summary>
    public bool StorageProxy { get; set; }

    /// <summary>Where presign redirects to (another fake server's URL); null serves the file itself.</summary>
    public string? PresignRedirectBase { get; set; }

    public TimeSpan Delay { get; set; }

    public int Refreshes => _refreshes;

    /// <summary>Expires every access token issued so far (as a server-side revoke would).</summary>
    public void RevokeAccessTokens() => _validAccessTokens.Clear();

    public IEnumerable<SeenRequest> RequestsTo(string pathPrefix) => Requests.Where(r => r.PathAndQuery.StartsWith(pathPrefix, StringComparison.Ordinal));

    public static async Task<FakeLabelStudio> StartAsync()
    {
        var fake = new FakeLabelStudio();
        fake._server = await LoopbackServer.StartAsync(fake.HandleAsync);
        return fake;
    }

    public static string MakeJwt(DateTimeOffset expires, string type) =>
        $"{Segment("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")}.{Segment($"{{\"token_type\":\"{type}\",\"exp\":{expires.ToUnixTimeSeconds()},\"jti\":\"{Guid.NewGuid():N}\"}}")}.c2lnbmF0dXJl";

    private static string Segment(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var pathAndQuery = request.Path.Value + request.QueryString.Value;
        Requests.Enqueue(new SeenRequest(request.Method, pathAndQuery, request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null));
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, http.RequestAborted);
        var path = request.Path.Value ?? "";

        if (path == "/api/token/refresh/" && request.Method == "POST")
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            if (!body.RootElement.TryGetProperty("refresh", out var refresh) || refresh.GetString() != PersonalAccessToken)
            {
                http.Response.StatusCode = 401;
                await http.Response.WriteAsJsonAsync(new { detail = "Token is invalid or expired", code = "token_not_valid" });
                return;
            }
            Interlocked.Increment(ref _refreshes);
            var access = MakeJwt(DateTimeOffset.UtcNow + AccessTokenLifetime, "access");
            _validAccessTokens[access] = 0;
            await http.Response.WriteAsJsonAsync(new { access });
            return;
        }

        if (path.StartsWith("/bucket/", StringComparison.Ordinal) || path.StartsWith("/public/", StringComparison.Ordinal))
        {
            await ServeAsync(http, path);
            return;
        }

        if (!Authorized(request.Headers.Authorization.ToString()))
        {
            http.Response.StatusCode = 401;
            await http.Response.WriteAsJsonAsync(new { detail = "Authentication credentials were not provided." });
            return;
        }

        if (path.StartsWith("/data/upload/", StringComparison.Ordinal)) await ServeAsync(http, path);
        else if (path == "/storage-data/uploaded/" && StorageProxy) await ServeAsync(http, "/data/" + request.Query["filepath"]);
        else if (path == "/data/local-files/") await ServeAsync(http, "/local/" + request.Query["d"]);
        else if (ProjectPath(path) is var (id, export))
        {
            if (export && Exports.TryGetValue(id, out var json))
            {
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(json);
            }
            else if (!export && LabelConfigs.TryGetValue(id, out var config)) await http.Response.WriteAsJsonAsync(new { id = int.Parse(id), label_config = config });
            else
            {
                http.Response.StatusCode = 404;
                await http.Response.WriteAsJsonAsync(new { detail = "Not found." });
            }
        }
        else if (path.StartsWith("/tasks/", StringComparison.Ordinal) && path.EndsWith("/presign/", StringComparison.Ordinal))
        {
            // Label Studio decodes fileuri as urlsafe base64.
            var fileUri = Encoding.UTF8.GetString(Convert.FromBase64String(request.Query["fileuri"].ToString().Replace('-', '+').Replace('_', '/')));
            var key = fileUri[(fileUri.IndexOf("://", StringComparison.Ordinal) + 3)..];
            if (PresignRedirectBase is { } target) http.Response.Redirect($"{target.TrimEnd('/')}/bucket/{key}?X-Amz-Signature=abc");
            else await ServeAsync(http, "/bucket/" + key);
        }
        else http.Response.StatusCode = 404;
    }

    /// <summary><c>/api/projects/{id}</c> or <c>/api/projects/{id}/export</c>.</summary>
    private static (string Id, bool Export)? ProjectPath(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 3 or > 4 || parts[0] != "api" || parts[1] != "projects") return null;
        if (parts.Length == 4 && parts[3] != "export") return null;
        return (parts[2], parts.Length == 4);
    }

    private bool Authorized(string header) =>
        header == "Token " + LegacyToken
        || header.StartsWith("Bearer ", StringComparison.Ordinal) && _validAccessTokens.ContainsKey(header["Bearer ".Length..]);

    private async Task ServeAsync(HttpContext http, string path)
    {
        if (!Files.TryGetValue(path, out var bytes))
        {
            http.Response.StatusCode = 404;
            return;
        }
        http.Response.ContentType = "application/octet-stream";
        await http.Response.Body.WriteAsync(bytes);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
