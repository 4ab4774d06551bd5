using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PluginHost.Configuration;
using PluginHost.Http;
using PluginHost.Sdk.Json;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Training.LabelStudio;

/// <summary>Where and how to reach a Label Studio: its base URL and an API key (legacy token or personal access token).</summary>
public sealed record LabelStudioSource(Uri BaseUri, string ApiKey, string Source);

/// <summary>
/// Which Label Studio a project's annotations can be pulled from: <c>LABEL_STUDIO_URL</c> + <c>LABEL_STUDIO_API_KEY</c>
/// when configured, else the <c>hostname</c> and <c>access_token</c> the project's last <c>/setup</c> carried.
/// </summary>
public sealed class LabelStudioSources(IOptions<HostSettings> settings) : ISetupObserver
{
    private readonly ConcurrentDictionary<string, LabelStudioSource> _fromSetup = new(StringComparer.Ordinal);

    public LabelStudioSource? For(string projectId)
    {
        var configured = settings.Value;
        if (configured.LabelStudioUrl.Length > 0 && configured.LabelStudioApiKey.Length > 0
            && Uri.TryCreate(configured.LabelStudioUrl, UriKind.Absolute, out var uri))
            return new LabelStudioSource(uri, configured.LabelStudioApiKey, "LABEL_STUDIO_URL");
        return _fromSetup.GetValueOrDefault(projectId);
    }

    public void OnSetup(string backend, ProjectRef project, SetupRequest request)
    {
        if (request.Hostname is { Length: > 0 } host && request.AccessToken is { Length: > 0 } token
            && Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            _fromSetup[project.Id] = new LabelStudioSource(uri, token, "/setup");
    }
}

/// <summary>
/// Reads a project's annotated tasks from Label Studio's API: <c>GET /api/projects/{id}/export?exportType=JSON&amp;download_all_tasks=false</c>
/// (every task with at least one annotation, in the export format: data, annotations with result and was_cancelled).
/// Legacy tokens go as <c>Authorization: Token …</c>; a personal access token (a JWT refresh token) is exchanged at
/// <c>POST /api/token/refresh/</c> for a short-lived access token sent as <c>Bearer</c>, renewed when rejected.
/// </summary>
public sealed class LabelStudioClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, string> _accessTokens = new(StringComparer.Ordinal);
    private readonly ILogger<LabelStudioClient> _logger;

    public LabelStudioClient(IConfiguration configuration, ILogger<LabelStudioClient> logger)
    {
        var settings = configuration.GetSection(HostTrainingSettings.Section).Get<HostTrainingSettings>() ?? new HostTrainingSettings();
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            AutomaticDecompression = DecompressionMethods.All,
            // Label Studio answers an export directly; a redirect would drop the Authorization header anyway.
            AllowAutoRedirect = false,
        })
        {
            Timeout = TimeSpan.FromSeconds(settings.PullTimeoutSeconds),
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("PluginHost/1.0");
        _logger = logger;
    }

    public async Task<IReadOnlyList<LabelStudioTask>> ExportAnnotatedTasksAsync(LabelStudioSource connection, string projectId, CancellationToken cancellationToken)
    {
        var path = $"/api/projects/{Uri.EscapeDataString(projectId)}/export?exportType=JSON&download_all_tasks=false";
        using var response = await SendAsync(connection, HttpMethod.Get, path, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        try
        {
            var tasks = await JsonSerializer.DeserializeAsync(body, SdkJson.Context.ListLabelStudioTask, cancellationToken);
            return tasks ?? [];
        }
        catch (JsonException ex)
        {
            throw new LabelStudioApiException($"Label Studio at {connection.BaseUri} answered the export of project {projectId} with JSON that is not a task list: {ex.Message}", ex);
        }
    }

    /// <summary>The project's label config (<c>GET /api/projects/{id}</c>), for jobs that know none.</summary>
    public async Task<string?> GetLabelConfigAsync(LabelStudioSource connection, string projectId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(connection, HttpMethod.Get, $"/api/projects/{Uri.EscapeDataString(projectId)}", cancellationToken);
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("label_config", out var config)
            && config.ValueKind == JsonValueKind.String ? config.GetString() : null;
    }

    private async Task<HttpResponseMessage> SendAsync(LabelStudioSource connection, HttpMethod method, string path, CancellationToken cancellationToken)
    {
        var uri = Combine(connection.BaseUri, path);
        var isPat = PersonalAccessToken.Looks(connection.ApiKey);
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri);
            request.Headers.Authorization = isPat
                ? new AuthenticationHeaderValue("Bearer", await AccessTokenAsync(connection, cancellationToken))
                : new AuthenticationHeaderValue("Token", connection.ApiKey);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw new LabelStudioApiException($"Label Studio at {connection.BaseUri} ({connection.Source}) is unreachable: {ex.Message}", ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new LabelStudioApiException($"Label Studio at {connection.BaseUri} did not answer {method} {path} within {_http.Timeout.TotalSeconds:0} s.", ex);
            }
            if (response.IsSuccessStatusCode) return response;
            var status = response.StatusCode;
            var detail = await ReadSnippetAsync(response, cancellationToken);
            response.Dispose();
            if (status == HttpStatusCode.Unauthorized && isPat && attempt == 0)
            {
                // The access token expired: exchange the PAT again and retry once.
                _accessTokens.TryRemove(connection.ApiKey, out _);
                continue;
            }
            throw new LabelStudioApiException($"Label Studio at {connection.BaseUri} answered {method} {path} with HTTP {(int)status}"
                + (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? $" (check the API key from {connection.Source})" : "")
                + (detail.Length > 0 ? $": {detail}" : "."), statusCode: status);
        }
    }

    private async Task<string> AccessTokenAsync(LabelStudioSource connection, CancellationToken cancellationToken)
    {
        if (_accessTokens.TryGetValue(connection.ApiKey, out var cached)) return cached;
        var uri = Combine(connection.BaseUri, "/api/token/refresh/");
        using var content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["refresh"] = connection.ApiKey }, TokenJson.Default.DictionaryStringString),
            Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(uri, content, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new LabelStudioApiException($"Label Studio at {connection.BaseUri} is unreachable: {ex.Message}", ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new LabelStudioApiException($"Exchanging the personal access token at {uri} failed with HTTP {(int)response.StatusCode}: the token is revoked, expired or personal access tokens are disabled.",
                    statusCode: response.StatusCode);
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var access = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("access", out var a) && a.ValueKind == JsonValueKind.String
                ? a.GetString() : null;
            if (string.IsNullOrEmpty(access)) throw new LabelStudioApiException($"The token refresh answer of {uri} has no 'access' token.");
            _logger.LogInformation("Exchanged the personal access token for an access token at {Uri}", uri);
            _accessTokens[connection.ApiKey] = access;
            return access;
        }
    }

    private static Uri Combine(Uri baseUri, string path) => new(baseUri.ToString().TrimEnd('/') + path);

    private static async Task<string> ReadSnippetAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Personal access tokens are JWTs (three base64url segments, a JSON header first); legacy tokens are hex.</summary>
    internal static class PersonalAccessToken
    {
        public static bool Looks(string token)
        {
            var parts = token.Split('.');
            if (parts.Length != 3 || parts[0].Length == 0) return false;
            try
            {
                var header = parts[0].Replace('-', '+').Replace('_', '/');
                header = header.PadRight(header.Length + (4 - header.Length % 4) % 4, '=');
                using var json = JsonDocument.Parse(Convert.FromBase64String(header));
                return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("alg", out _);
            }
            catch (Exception ex) when (ex is FormatException or JsonException)
            {
                return false;
            }
        }
    }
}

public sealed class LabelStudioApiException(string message, Exception? inner = null, HttpStatusCode? statusCode = null) : Exception(message, inner)
{
    public HttpStatusCode? StatusCode { get; } = statusCode;
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class TokenJson : System.Text.Json.Serialization.JsonSerializerContext;
