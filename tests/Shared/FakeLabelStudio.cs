using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace PluginHost.Tests.Shared;

/// <summary>One request a fake server saw.</summary>
public sealed record SeenRequest(string Method, string PathAndQuery, string? Authorization, DateTime At = default);

/// <summary>
/// A small Label Studio stand-in on 127.0.0.1 (real Kestrel, random port), shared by the task-data and training
/// tests (linked into both test projects): uploads under <c>/data/upload/</c>, the storage proxy, local files,
/// per-task presign (redirecting to another origin), the project export (<c>GET /api/projects/{id}/export</c>), the
/// project (<c>GET /api/projects/{id}</c>) and <c>/api/token/refresh/</c> issuing short-lived access JWTs for a personal
/// access token. Auth is checked exactly as Label Studio does: <c>Token &lt;legacy&gt;</c> or <c>Bearer &lt;access&gt;</c>.
/// For prediction jobs it also serves tasks (<c>GET /api/tasks/?project=&amp;page=&amp;page_size=&amp;fields=all[&amp;view=]</c>, 404
/// past the last page as Django REST pagination; <c>GET /api/tasks/{id}/</c>), Data Manager views, and the bulk import
/// <c>POST /api/projects/{id}/import/predictions</c> (201 <c>{"created":n}</c>; 400 when a task is not in the project), with
/// optional random faults on those routes: 429 with <c>Retry-After</c>, and 500 before or after storing an import.
/// </summary>
public sealed class FakeLabelStudio : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private readonly ConcurrentDictionary<string, byte> _validAccessTokens = new();
    private readonly Random _random = new(20261130);
    private int _refreshes;
    private readonly ConcurrentDictionary<string, FakeTask[]> _ordered = new();
    private int _faults;
    private int _imports;

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

    /// <summary>Tasks by id: project, data (raw JSON object) and the predictions imported so far.</summary>
    public ConcurrentDictionary<long, FakeTask> Tasks { get; } = new();

    /// <summary>Data Manager views: id → the task ids it selects.</summary>
    public ConcurrentDictionary<long, long[]> Views { get; } = new();

    /// <summary>Share of task-list, task and import requests answered with a fault (0 = none).</summary>
    public double FaultRate { get; set; }

    /// <summary>The <c>Retry-After</c> seconds of a 429 fault.</summary>
    public int RetryAfterSeconds { get; set; }

    /// <summary>Answers the next N imports with 429 (Retry-After <see cref="RetryAfterSeconds"/>), whatever <see cref="FaultRate"/>.</summary>
    public int ThrottleNextImports { get; set; }

    /// <summary>Stores the next N imports, then answers 500 as if the answer were lost.</summary>
    public int LoseNextImportAnswers { get; set; }

    public int FaultsServed => _faults;

    public int ImportRequests => _imports;

    /// <summary>Adds a project's tasks (ids from <paramref name="firstId"/>), each with the data <paramref name="data"/> builds.</summary>
    public void AddTasks(string project, long firstId, int count, Func<long, object> data)
    {
        for (var id = firstId; id < firstId + count; id++)
            Tasks[id] = new FakeTask(id, project, JsonSerializer.Serialize(data(id)));
        _ordered.Clear();
    }

    /// <summary>The predictions imported for a task (each as its JSON object).</summary>
    public IReadOnlyList<JsonElement> PredictionsOf(long task) => Tasks.TryGetValue(task, out var t) ? t.Snapshot() : [];

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
        Requests.Enqueue(new SeenRequest(request.Method, pathAndQuery, request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, DateTime.UtcNow));
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

        if (TasksPath(path, request.Method) is { } tasksRoute)
        {
            await ServeTasksAsync(http, tasksRoute);
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

    private enum TasksRoute { List, One, Import }

    private static TasksRoute? TasksPath(string path, string method)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (method == "GET" && parts is ["api", "tasks"]) return TasksRoute.List;
        if (method == "GET" && parts is ["api", "tasks", var id] && long.TryParse(id, out _)) return TasksRoute.One;
        if (method == "POST" && parts is ["api", "projects", _, "import", "predictions"]) return TasksRoute.Import;
        return null;
    }

    private async Task ServeTasksAsync(HttpContext http, TasksRoute route)
    {
        if (TryFault(route) is { } fault)
        {
            Interlocked.Increment(ref _faults);
            http.Response.StatusCode = fault;
            if (fault == 429) http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
            await http.Response.WriteAsJsonAsync(new { detail = fault == 429 ? "Request was throttled." : "Server Error (500)" });
            return;
        }
        switch (route)
        {
            case TasksRoute.List:
                await ListTasksAsync(http);
                break;
            case TasksRoute.One:
                var id = long.Parse(http.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries)[2]);
                if (!Tasks.TryGetValue(id, out var task))
                {
                    http.Response.StatusCode = 404;
                    await http.Response.WriteAsJsonAsync(new { detail = "Not found." });
                    return;
                }
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(task.ToJson());
                break;
            case TasksRoute.Import:
                await ImportAsync(http);
                break;
        }
    }

    private int? TryFault(TasksRoute route)
    {
        lock (_random)
        {
            if (route == TasksRoute.Import && ThrottleNextImports > 0)
            {
                ThrottleNextImports--;
                return 429;
            }
            if (FaultRate <= 0 || _random.NextDouble() >= FaultRate) return null;
            return _random.Next(2) == 0 ? 429 : 500;
        }
    }

    private async Task ListTasksAsync(HttpContext http)
    {
        var query = http.Request.Query;
        var project = query["project"].ToString();
        var page = int.TryParse(query["page"], out var p) ? p : 1;
        var size = int.TryParse(query["page_size"], out var s) ? s : 100;
        // Sorted once per project (10,000-task pages must not cost the fake a sort each).
        IEnumerable<FakeTask> selected = _ordered.GetOrAdd(project, p => Tasks.Values.Where(t => t.Project == p).OrderBy(t => t.Id).ToArray());
        if (long.TryParse(query["view"], out var view))
        {
            var ids = Views.TryGetValue(view, out var v) ? v.ToHashSet() : [];
            selected = selected.Where(t => ids.Contains(t.Id));
        }
        var all = selected as IReadOnlyList<FakeTask> ?? selected.ToList();
        var pageTasks = all.Skip((page - 1) * size).Take(size).ToList();
        if (page < 1 || (pageTasks.Count == 0 && page != 1))
        {
            http.Response.StatusCode = 404;
            await http.Response.WriteAsJsonAsync(new { detail = "Invalid page." });
            return;
        }
        var body = new StringBuilder();
        body.Append("{\"total_annotations\":0,\"total_predictions\":").Append(all.Sum(t => t.PredictionCount))
            .Append(",\"total\":").Append(all.Count).Append(",\"tasks\":[");
        for (var i = 0; i < pageTasks.Count; i++)
        {
            if (i > 0) body.Append(',');
            body.Append(pageTasks[i].ToJson());
        }
        body.Append("]}");
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToString());
    }

    private async Task ImportAsync(HttpContext http)
    {
        Interlocked.Increment(ref _imports);
        var project = http.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries)[2];
        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        var items = body.RootElement.EnumerateArray().ToList();
        foreach (var item in items)
        {
            var id = item.GetProperty("task").GetInt64();
            if (!Tasks.TryGetValue(id, out var task) || task.Project != project)
            {
                http.Response.StatusCode = 400;
                await http.Response.WriteAsJsonAsync(new { detail = $"{item} contains invalid \"task\" field: corresponding task ID couldn't be retrieved from project {project} tasks" });
                return;
            }
        }
        foreach (var item in items) Tasks[item.GetProperty("task").GetInt64()].Add(item.Clone());
        bool lose;
        lock (_random)
        {
            lose = LoseNextImportAnswers > 0 || (FaultRate > 0 && _random.NextDouble() < FaultRate / 2);
            if (LoseNextImportAnswers > 0) LoseNextImportAnswers--;
        }
        if (lose)
        {
            Interlocked.Increment(ref _faults);
            http.Response.StatusCode = 500;
            await http.Response.WriteAsJsonAsync(new { detail = "Server Error (500)" });
            return;
        }
        http.Response.StatusCode = 201;
        await http.Response.WriteAsJsonAsync(new { created = items.Count });
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
