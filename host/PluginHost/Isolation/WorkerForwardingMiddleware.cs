using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using PluginHost.Configuration;
using PluginHost.Http;

namespace PluginHost.Isolation;

/// <summary>
/// Sends the routes of an isolated backend to its worker over the worker's Unix domain socket, after routing and auth
/// (decided once, here) and before the host's endpoints: the request goes as it came (method, path, query, headers,
/// streamed body) and the worker's answer comes back as it is (status, headers, streamed body — server-sent events
/// included). Everything else about the call — the request checks, the bulkhead, prediction validation, the backend's
/// metrics, training — happens in the worker, exactly as for an embedded backend. While no worker answers, or when it
/// dies while answering, the answer is a JSON 503 with <c>Retry-After</c>.
/// </summary>
internal sealed class WorkerForwardingMiddleware(RequestDelegate next, IsolatedWorkers workers, IOptions<HostSettings> hostSettings,
    IOptions<IsolationSettings> isolationSettings, ILogger<WorkerForwardingMiddleware> logger)
{
    // Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection, not to the request or answer.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "Host",
    };

    private readonly string _retryAfter = isolationSettings.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
    private readonly TimeSpan _forwardTimeout = TimeSpan.FromSeconds(hostSettings.Value.PredictTimeoutSeconds + isolationSettings.Value.ForwardTimeoutMarginSeconds);

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<BackendRouteMetadata>() is null) return next(context);
        var backend = context.Request.RouteValues.TryGetValue("backend", out var routed) && routed is string name ? name : hostSettings.Value.DefaultBackend;
        return workers.TryGet(backend, out var worker) ? ForwardAsync(context, worker) : next(context);
    }

    private async Task ForwardAsync(HttpContext context, WorkerSupervisor worker)
    {
        if (worker.Client is not { } client)
        {
            await UnavailableAsync(context, worker, $"is {worker.Health.State}");
            return;
        }
        using var request = CreateRequest(context);
        // A worker that does not answer at all (hung, stopped) must not hold the client: bounded, except event streams.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (!context.Request.Path.Value!.TrimEnd('/').EndsWith("/events", StringComparison.Ordinal)) deadline.CancelAfter(_forwardTimeout);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("The worker of backend {Backend} did not answer {Method} {Path} within {Seconds} s",
                worker.Backend, context.Request.Method, context.Request.Path, _forwardTimeout.TotalSeconds);
            await HttpErrors.WriteAsync(context, new ApiError(StatusCodes.Status504GatewayTimeout,
                $"Backend '{worker.Backend}' runs in a worker process that did not answer within {_forwardTimeout.TotalSeconds:0} s.", worker.Backend));
            return;
        }
        catch (Exception ex) when (ex is HttpRequestException or ObjectDisposedException && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("The worker of backend {Backend} failed a forwarded {Method} {Path}: {Error}",
                worker.Backend, context.Request.Method, context.Request.Path, ex.Message);
            await UnavailableAsync(context, worker, "stopped answering (it crashed or was killed; it restarts on its own)");
            return;
        }
        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            CopyHeaders(response.Headers, context.Response.Headers);
            CopyHeaders(response.Content.Headers, context.Response.Headers);
            try
            {
                await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !context.RequestAborted.IsCancellationRequested)
            {
                // The status line is out: all that is left is to cut the connection so the client sees a broken answer.
                logger.LogWarning("The worker of backend {Backend} died while sending its answer to {Method} {Path}: {Error}",
                    worker.Backend, context.Request.Method, context.Request.Path, ex.Message);
                context.Abort();
            }
        }
    }

    private static HttpRequestMessage CreateRequest(HttpContext context)
    {
        var incoming = context.Request;
        var request = new HttpRequestMessage(HttpMethod.Parse(incoming.Method),
            new Uri(UnixSocketClient.BaseAddress, incoming.PathBase.Add(incoming.Path).ToUriComponent() + incoming.QueryString.ToUriComponent()));
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
            request.Content = new StreamContent(incoming.Body);
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name)) continue;
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        return request;
    }

    private static void CopyHeaders(System.Net.Http.Headers.HttpHeaders from, IHeaderDictionary to)
    {
        foreach (var (name, values) in from)
            if (!HopByHop.Contains(name)) to[name] = values.ToArray();
    }

    private Task UnavailableAsync(HttpContext context, WorkerSupervisor worker, string what)
    {
        IsolationInstruments.RecordUnavailable(worker.Backend);
        var detail = $"Backend '{worker.Backend}' runs in a worker process that {what}.{worker.Health.DescribeLastExit()} Retry shortly.";
        context.Response.Headers.RetryAfter = _retryAfter;
        return HttpErrors.WriteAsync(context, new ApiError(StatusCodes.Status503ServiceUnavailable, detail, worker.Backend));
    }
}
