using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Jobs.LabelStudio;

/// <summary>
/// The Label Studio calls of a prediction job: task pages (<c>GET /api/tasks/</c>), single tasks, the project's label
/// config and the bulk import of predictions. Requests (and tokens) go through <see cref="ILabelStudioApi"/>; every call
/// runs in the <see cref="JobResilience"/> pipeline (retries with exponential backoff and jitter on 429, 5xx, timeouts
/// and broken connections, honouring <c>Retry-After</c>). A bulk import is not idempotent in Label Studio, so a retry
/// after an answer that may have landed first asks which tasks still lack the prediction.
/// </summary>
internal sealed class LabelStudioTasksApi(ILabelStudioApi api, ResiliencePipelineProvider<string> pipelines, IOptions<JobSettings> settings)
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline = pipelines.GetPipeline<HttpResponseMessage>(JobResilience.PipelineKey);
    private readonly int _pageSize = Math.Max(1, settings.Value.PageSize);

    public int PageSize => _pageSize;

    /// <summary>The project's label config (<c>GET /api/projects/{id}/</c>).</summary>
    public async Task<string?> GetLabelConfigAsync(LabelStudioConnection connection, string project, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(connection, $"/api/projects/{Uri.EscapeDataString(project)}/", cancellationToken);
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("label_config", out var config)
            && config.ValueKind == JsonValueKind.String ? config.GetString() : null;
    }

    /// <summary>One page (1-based) of the project's tasks, or of a view's; null past the last page (Label Studio answers 404).</summary>
    public async Task<TaskPage?> GetTaskPageAsync(LabelStudioConnection connection, string project, long? view, int page, CancellationToken cancellationToken)
    {
        var path = $"/api/tasks/?project={Uri.EscapeDataString(project)}&page={page}&page_size={_pageSize}&fields=all"
            + (view is { } v ? $"&view={v}" : "");
        using var response = await GetAsync(connection, path, cancellationToken, notFoundIsNull: true);
        if (response is null) return null;
        return await ReadAsync(response, JobsJson.Default.TaskPage, connection, path, cancellationToken);
    }

    /// <summary>One task with its predictions (<c>GET /api/tasks/{id}/</c>), or null when Label Studio does not know it.</summary>
    public async Task<LabelStudioTask?> GetTaskAsync(LabelStudioConnection connection, long id, CancellationToken cancellationToken)
    {
        var path = $"/api/tasks/{id}/";
        using var response = await GetAsync(connection, path, cancellationToken, notFoundIsNull: true);
        if (response is null) return null;
        return await ReadAsync(response, JobsJson.Default.LabelStudioTask, connection, path, cancellationToken);
    }

    /// <summary>
    /// Bulk-imports predictions. When an attempt's outcome is unknown (a 5xx, a timeout, a broken connection: the import
    /// may have been stored before the answer was lost), the next attempt first calls <paramref name="stillMissing"/> and
    /// posts only what it returns, so a retry never stores a prediction twice. A 429 is retried as is (nothing was stored).
    /// </summary>
    public async Task ImportPredictionsAsync(LabelStudioConnection connection, string project, IReadOnlyList<ImportedPrediction> predictions,
        Func<IReadOnlyList<ImportedPrediction>, CancellationToken, Task<IReadOnlyList<ImportedPrediction>>> stillMissing,
        CancellationToken cancellationToken)
    {
        var path = $"/api/projects/{Uri.EscapeDataString(project)}/import/predictions";
        var pending = predictions;
        var uncertain = false;
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                if (uncertain)
                {
                    pending = await stillMissing(pending, token);
                    if (pending.Count == 0) return new HttpResponseMessage(HttpStatusCode.Created);
                }
                var body = JsonSerializer.SerializeToUtf8Bytes(pending, JobsJson.Default.ListImportedPrediction);
                uncertain = true;
                var answer = await api.SendAsync(connection, HttpMethod.Post, new Uri(path, UriKind.Relative), () => Json(body), token);
                uncertain = !answer.IsSuccessStatusCode && answer.StatusCode != HttpStatusCode.TooManyRequests;
                return answer;
            }, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(connection, ex);
        }
        using (response) await EnsureSuccessAsync(response, connection, "POST", path, cancellationToken);
    }

    private async Task<HttpResponseMessage> GetAsync(LabelStudioConnection connection, string path, CancellationToken cancellationToken) =>
        (await GetAsync(connection, path, cancellationToken, notFoundIsNull: false))!;

    private async Task<HttpResponseMessage?> GetAsync(LabelStudioConnection connection, string path, CancellationToken cancellationToken, bool notFoundIsNull)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                async token => await api.SendAsync(connection, HttpMethod.Get, new Uri(path, UriKind.Relative), token), cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(connection, ex);
        }
        if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            return null;
        }
        try
        {
            await EnsureSuccessAsync(response, connection, "GET", path, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info,
        LabelStudioConnection connection, string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync(body, info, cancellationToken)
                ?? throw new LabelStudioApiException($"Label Studio at {connection.Url} answered GET {path} with JSON null.");
        }
        catch (JsonException ex)
        {
            throw new LabelStudioApiException($"Label Studio at {connection.Url} answered GET {path} with unexpected JSON: {ex.Message}", ex);
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, LabelStudioConnection connection, string method, string path,
        CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var status = response.StatusCode;
        var detail = (await response.Content.ReadAsStringAsync(cancellationToken)).ReplaceLineEndings(" ").Trim();
        if (detail.Length > 300) detail = detail[..300] + "…";
        throw new LabelStudioApiException($"Label Studio at {connection.Url} answered {method} {path} with HTTP {(int)status}"
            + (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? $" (check the API key from {connection.ApiKeySource ?? "the request"})" : "")
            + (detail.Length > 0 ? $": {detail}" : "."), statusCode: status);
    }

    private static LabelStudioApiException Unreachable(LabelStudioConnection connection, HttpRequestException ex) =>
        new($"Label Studio at {connection.Url} is unreachable: {ex.Message}", ex);

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
