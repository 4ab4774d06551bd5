using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.Json;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Training.LabelStudio;

/// <summary>
/// Reads a project's annotated tasks from Label Studio's API: <c>GET /api/projects/{id}/export?exportType=JSON&amp;download_all_tasks=false</c>
/// (every task with at least one annotation, in the export format: data, annotations with result and was_cancelled).
/// The connection comes from <see cref="ILabelStudioConnections"/> (<see cref="LabelStudioPrecedence.ConfiguredPairFirst"/>)
/// and the requests, tokens included, go through <see cref="ILabelStudioApi"/> (docs/label-studio-access.md).
/// </summary>
internal sealed class LabelStudioClient(ILabelStudioConnections connections, ILabelStudioApi api, IOptions<HostTrainingSettings> settings)
{
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(settings.Value.PullTimeoutSeconds);

    /// <summary>The Label Studio a project's annotations are pulled from, or null when none is known.</summary>
    public LabelStudioConnection? ConnectionFor(ProjectRef project) =>
        connections.Get(project, LabelStudioPrecedence.ConfiguredPairFirst) is { IsComplete: true } connection ? connection : null;

    public async Task<IReadOnlyList<LabelStudioTask>> ExportAnnotatedTasksAsync(LabelStudioConnection connection, string projectId, CancellationToken cancellationToken)
    {
        var path = $"/api/projects/{Uri.EscapeDataString(projectId)}/export?exportType=JSON&download_all_tasks=false";
        using var response = await GetAsync(connection, path, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        try
        {
            var tasks = await JsonSerializer.DeserializeAsync(body, SdkJson.Context.ListLabelStudioTask, cancellationToken);
            return tasks ?? [];
        }
        catch (JsonException ex)
        {
            throw new LabelStudioApiException($"Label Studio at {connection.Url} answered the export of project {projectId} with JSON that is not a task list: {ex.Message}", ex);
        }
    }

    /// <summary>The project's label config (<c>GET /api/projects/{id}</c>), for jobs that know none.</summary>
    public async Task<string?> GetLabelConfigAsync(LabelStudioConnection connection, string projectId, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(connection, $"/api/projects/{Uri.EscapeDataString(projectId)}", cancellationToken);
        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("label_config", out var config)
            && config.ValueKind == JsonValueKind.String ? config.GetString() : null;
    }

    /// <summary>A successful answer (headers read within the pull timeout), else a <see cref="LabelStudioApiException"/>.</summary>
    private async Task<HttpResponseMessage> GetAsync(LabelStudioConnection connection, string path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        HttpResponseMessage response;
        try
        {
            response = await api.SendAsync(connection, HttpMethod.Get, new Uri(path, UriKind.Relative), timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new LabelStudioApiException($"Label Studio at {connection.Url} ({connection.ApiKeySource}) is unreachable: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LabelStudioApiException($"Label Studio at {connection.Url} did not answer GET {path} within {_timeout.TotalSeconds:0} s.", ex);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var status = response.StatusCode;
            var detail = await ReadSnippetAsync(response, cancellationToken);
            throw new LabelStudioApiException($"Label Studio at {connection.Url} answered GET {path} with HTTP {(int)status}"
                + (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? $" (check the API key from {connection.ApiKeySource})" : "")
                + (detail.Length > 0 ? $": {detail}" : "."), statusCode: status);
        }
    }

    private static async Task<string> ReadSnippetAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
