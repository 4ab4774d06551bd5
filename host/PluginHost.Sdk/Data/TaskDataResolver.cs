using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Data;

/// <summary>
/// The default <see cref="ITaskDataResolver"/>: Label Studio uploads, local-files storage (read from
/// <see cref="TaskDataOptions.LocalFilesDocumentRoot"/> when the file is there), cloud storage through Label Studio's
/// presign endpoint, plain http(s) and <c>data:</c> URIs, with a bounded disk cache. Requests go through
/// <see cref="ILabelStudioApi"/>; redirects are followed here, one hop at a time, so the <c>Authorization</c> header goes
/// to the Label Studio origin only, never to a presigned bucket or any other host.
/// </summary>
internal sealed class TaskDataResolver : ITaskDataResolver
{
    private readonly TaskDataOptions _options;
    private readonly ILabelStudioConnections _connections;
    private readonly ILabelStudioApi _api;
    private readonly ILogger<TaskDataResolver> _logger;
    private readonly Lazy<TaskDataCache> _cache;

    public TaskDataResolver(IOptions<TaskDataOptions> options, ILabelStudioConnections connections, ILabelStudioApi api, ILogger<TaskDataResolver> logger)
    {
        _options = options.Value;
        _connections = connections;
        _api = api;
        _logger = logger;
        _cache = new Lazy<TaskDataCache>(() =>
        {
            try
            {
                return new TaskDataCache(_options.CacheDirectory, _options.CacheSizeLimitBytes, _logger);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new TaskDataException(_options.CacheDirectory,
                    $"the download cache folder cannot be used ({ex.Message}); set TASK_DATA_CACHE_DIR to a writable folder", inner: ex);
            }
        });
    }

    public async Task<string> GetLocalPathAsync(string value, long? taskId, ProjectRef? project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var kind = TaskDataUrls.Classify(value, out var normalized);
        if (kind == TaskDataKind.DataUri) return await CacheDataUriAsync(normalized, cancellationToken).ConfigureAwait(false);
        if (kind == TaskDataKind.LocalFiles && TryLocalFile(normalized) is { } local) return local;
        var connection = _connections.Get(project);
        if (connection.Url is not null && connection.BaseUri is null)
            throw new TaskDataException(connection.Url, "the Label Studio URL must be an absolute http:// or https:// URL");
        if (kind == TaskDataKind.Http)
            return await DownloadAsync([new Uri(normalized)], value, kind, connection, cancellationToken).ConfigureAwait(false);

        // Everything else lives behind Label Studio.
        if (connection.BaseUri is not { } lsUri)
            throw new TaskDataException(value,
                "it is served by Label Studio, but no Label Studio URL is known: set LABEL_STUDIO_URL, or connect the backend in Label Studio so its /setup sends the hostname");
        if (connection.ApiKey is null)
            throw new TaskDataException(value,
                $"it is served by Label Studio at {lsUri}, but no API key is known: set LABEL_STUDIO_API_KEY (a legacy token or a personal access token)");
        Uri[] candidates = kind switch
        {
            // The storage proxy works for every default storage; older Label Studio serves /data/upload only.
            TaskDataKind.Uploaded =>
            [
                new Uri(TaskDataUrls.Combine(lsUri, "/storage-data/uploaded/?filepath=" + Uri.EscapeDataString(normalized["/data/".Length..]))),
                new Uri(TaskDataUrls.Combine(lsUri, normalized)),
            ],
            TaskDataKind.CloudStorage => taskId is { } id
                ? [new Uri(TaskDataUrls.Combine(lsUri, TaskDataUrls.PresignPath(id, normalized)))]
                : throw new TaskDataException(value, "cloud storage URIs are presigned by Label Studio per task, so the task id is required"),
            _ => [new Uri(TaskDataUrls.Combine(lsUri, normalized))],
        };
        return await DownloadAsync(candidates, value, kind, connection, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Stream> OpenReadAsync(string value, long? taskId, ProjectRef? project, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var path = await GetLocalPathAsync(value, taskId, project, cancellationToken).ConfigureAwait(false);
            try
            {
                return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920,
                    FileOptions.Asynchronous | FileOptions.SequentialScan);
            }
            catch (FileNotFoundException) when (attempt == 0)
            {
                // Evicted between resolving and opening: fetch again once.
            }
        }
    }

    private string? TryLocalFile(string value)
    {
        if (string.IsNullOrWhiteSpace(_options.LocalFilesDocumentRoot)) return null;
        var relative = TaskDataUrls.GetQueryValue(value, "d") ?? "";
        var root = Path.GetFullPath(_options.LocalFilesDocumentRoot);
        var full = Path.GetFullPath(Path.Combine(root, relative.TrimStart('/')));
        var rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
            throw new TaskDataException(value, $"the path escapes LOCAL_FILES_DOCUMENT_ROOT ({root})");
        return File.Exists(full) ? full : null;
    }

    private async Task<string> CacheDataUriAsync(string value, CancellationToken cancellationToken)
    {
        var entry = TaskDataCache.EntryName(value, TaskDataUrls.FileNameHint(value, TaskDataKind.DataUri));
        if (_cache.Value.TryGet(entry, out var cached)) return cached;
        var bytes = DataUri.Decode(value);
        return await _cache.Value.AddAsync(entry, (s, ct) => s.WriteAsync(bytes, ct).AsTask(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tries each candidate URL in turn (a 4xx moves to the next); the first success is cached.</summary>
    private async Task<string> DownloadAsync(Uri[] candidates, string value, TaskDataKind kind, LabelStudioConnection connection, CancellationToken cancellationToken)
    {
        var hint = TaskDataUrls.FileNameHint(value, kind);
        // The cache key is the first candidate: the same value at the same Label Studio is the same file.
        var entry = TaskDataCache.EntryName(candidates[0].AbsoluteUri, hint);
        if (_cache.Value.TryGet(entry, out var cached)) return cached;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        TaskDataException? firstFailure = null;
        foreach (var candidate in candidates)
        {
            try
            {
                using var response = await GetAsync(candidate, connection, timeout.Token).ConfigureAwait(false);
                return await _cache.Value.AddAsync(entry, (s, ct) => CopyBoundedAsync(response, s, candidate, ct), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TaskDataException(candidate.ToString(), $"timed out after {_options.Timeout.TotalSeconds:0.#} s");
            }
            catch (TaskDataException ex) when (ex.StatusCode is { } status && (int)status is >= 400 and < 500 && candidate != candidates[^1])
            {
                _logger.LogDebug("{Url} answered {Status}; trying the next location", candidate, (int)status);
                firstFailure ??= ex;
            }
            catch (TaskDataException ex) when (firstFailure is not null)
            {
                throw new TaskDataException(value, $"{firstFailure.Reason}; then {ex.Url}: {ex.Reason}", ex.StatusCode, ex);
            }
        }
        throw firstFailure ?? new TaskDataException(value, "no location to fetch it from");
    }

    /// <summary>GET with manual redirects; the API client attaches the token only while the target is the Label Studio origin.</summary>
    private async Task<HttpResponseMessage> GetAsync(Uri url, LabelStudioConnection connection, CancellationToken cancellationToken)
    {
        var target = url;
        for (var hop = 0; ; hop++)
        {
            HttpResponseMessage response;
            try
            {
                response = await _api.SendAsync(connection, HttpMethod.Get, target, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.InnerException is TaskDataRefusedException refused)
            {
                throw new TaskDataException(target.ToString(), refused.Message, inner: ex) { IsRefusedByPolicy = true };
            }
            catch (HttpRequestException ex)
            {
                throw new TaskDataException(target.ToString(), DescribeTransportError(target, ex), inner: ex);
            }
            catch (LabelStudioApiException ex)
            {
                throw new TaskDataException(target.ToString(), ex.Message, ex.StatusCode, ex);
            }

            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                response.Dispose();
                if (hop >= _options.MaxRedirects) throw new TaskDataException(url.ToString(), $"more than {_options.MaxRedirects} redirects");
                target = location.IsAbsoluteUri ? location : new Uri(target, location);
                if (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
                    throw new TaskDataException(url.ToString(), $"redirected to an unsupported URL scheme '{target.Scheme}'");
                continue;
            }
            if (response.IsSuccessStatusCode) return response;

            var reason = $"HTTP {status} {response.ReasonPhrase}" + Hint(response.StatusCode, connection.Authenticates(target), connection.IsComplete);
            response.Dispose();
            throw new TaskDataException(target.ToString(), reason, response.StatusCode);
        }
    }

    private static string Hint(HttpStatusCode status, bool authenticated, bool haveCredentials) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden when authenticated =>
            " (Label Studio rejected the API key: check LABEL_STUDIO_API_KEY or the project owner's token)",
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden when !haveCredentials =>
            " (the host wants credentials: set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY if this is Label Studio)",
        HttpStatusCode.NotFound => " (not found)",
        _ => "",
    };

    private static string DescribeTransportError(Uri target, HttpRequestException ex)
    {
        var reason = ex.InnerException is SocketException socket ? $"{socket.SocketErrorCode}: {ex.Message}" : ex.Message;
        if (target.IsLoopback)
            reason += " (inside a container, localhost is the container itself: point LABEL_STUDIO_URL at host.docker.internal or the service name)";
        return reason;
    }

    private async Task CopyBoundedAsync(HttpResponseMessage response, Stream destination, Uri source, CancellationToken cancellationToken)
    {
        var limit = _options.MaxDownloadBytes;
        if (response.Content.Headers.ContentLength is { } length && length > limit)
            throw new TaskDataException(source.ToString(), $"the file is {length} bytes, over the {limit}-byte download limit");
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limit) throw new TaskDataException(source.ToString(), $"the download passed the {limit}-byte limit");
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (IOException ex)
        {
            throw new TaskDataException(source.ToString(), "the connection broke during the download: " + ex.Message, inner: ex);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
