using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using PluginHost.Backends;

namespace PluginHost.Http;

/// <summary>An error that maps to an HTTP status and a JSON body.</summary>
public sealed class HttpError(int status, string detail, string? backend = null, IReadOnlyList<string>? diagnostics = null)
    : Exception(detail)
{
    public int Status { get; } = status;

    public string? Backend { get; } = backend;

    public IReadOnlyList<string>? Diagnostics { get; } = diagnostics;
}

internal static class HttpErrors
{
    public static Task WriteAsync(HttpContext context, ApiError error)
    {
        if (context.Response.HasStarted) return Task.CompletedTask;
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, error, HostJson.Info<ApiError>(), context.RequestAborted);
    }

    /// <summary>Exceptions of request reading (bad JSON, oversized bodies) as client errors; null when not one.</summary>
    public static ApiError? FromRequestException(Exception exception) => exception switch
    {
        HttpError e => new ApiError(e.Status, e.Message, e.Backend, e.Diagnostics),
        ClientRequestException e => new ApiError(StatusCodes.Status400BadRequest, e.Message, e.Backend),
        BackendTimeoutException e => new ApiError(StatusCodes.Status504GatewayTimeout, e.Message, e.Backend),
        Invocation.BackendBusyException e => new ApiError(StatusCodes.Status503ServiceUnavailable, e.Message, e.Backend),
        BackendContractException e => new ApiError(StatusCodes.Status500InternalServerError, e.Message, e.Backend),
        ResourceNotFoundException e => new ApiError(StatusCodes.Status404NotFound, e.Message, e.Backend),
        Training.ModelActivationException e => new ApiError(StatusCodes.Status409Conflict, e.Message, e.Backend),
        // A task pointed at the host's own network: the request's fault, named with the rule it broke.
        BackendCallException e when TaskDataRefusal.Find(e.InnerException) is { } refused => new ApiError(StatusCodes.Status403Forbidden, refused.Message, e.Backend),
        // The backend chose the status (e.g. 502: a service it calls failed) and a message fit for the client.
        BackendCallException { InnerException: Sdk.Backends.BackendException reported } e => new ApiError(reported.StatusCode, reported.Message, e.Backend),
        BackendCallException => null,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            new ApiError(StatusCodes.Status413PayloadTooLarge, "The request body is larger than the host accepts (MaxRequestBodyBytes)."),
        BadHttpRequestException e => new ApiError(e.StatusCode, e.Message),
        JsonException e => new ApiError(StatusCodes.Status400BadRequest, $"Malformed JSON: {e.Message}"),
        // Cluster mode with Redis away: a write that has no local fallback (queueing training, /setup) is refused, retryably.
        StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException =>
            new ApiError(StatusCodes.Status503ServiceUnavailable, $"The cluster's Redis is unreachable ({exception.Message}); predictions keep serving, retry this request once it is back."),
        _ => null,
    };
}

/// <summary>
/// The outermost middleware: any exception becomes a JSON 500 (<c>"&lt;Exception&gt;: message"</c>, as the Python SDK),
/// logged with its stack trace; the trace goes to the client only when <c>ExposeErrorDetails</c> is on. Empty-bodied
/// error statuses from routing (404, 405) get a JSON body too.
/// </summary>
internal sealed class JsonErrorMiddleware(RequestDelegate next, ILogger<JsonErrorMiddleware> logger, Microsoft.Extensions.Options.IOptions<Configuration.HostSettings> settings)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            if (context.Response is { HasStarted: false, StatusCode: >= 400 } response && response.ContentLength is null && response.ContentType is null)
                await HttpErrors.WriteAsync(context, new ApiError(response.StatusCode, DescribeStatus(context)));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception ex)
        {
            var error = HttpErrors.FromRequestException(ex);
            if (error is null)
            {
                var (backend, cause) = ex is BackendCallException call ? (call.Backend, call.InnerException!) : (null, ex);
                logger.LogError(cause, "{Method} {Path} failed in backend {Backend}", context.Request.Method, context.Request.Path, backend ?? "(host)");
                error = new ApiError(StatusCodes.Status500InternalServerError, $"{cause.GetType().Name}: {cause.Message}", backend,
                    Traceback: settings.Value.ExposeErrorDetails ? cause.ToString() : null);
            }
            else
            {
                logger.LogWarning("Rejected {Method} {Path}: {Status} {Detail}", context.Request.Method, context.Request.Path, error.Status, error.Detail);
            }
            if (!settings.Value.ExposeErrorDetails) error = ServerPathScrubber.Scrub(error);
            if (ex is Invocation.BackendBusyException busy && !context.Response.HasStarted)
                context.Response.Headers.RetryAfter = busy.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await HttpErrors.WriteAsync(context, error);
        }
    }

    private static string DescribeStatus(HttpContext context) => context.Response.StatusCode switch
    {
        404 => $"No route {context.Request.Method} {context.Request.Path}. Backend routes: /<backend>/health, /setup, /predict, /webhook, /train, /versions, /metrics.",
        405 => $"{context.Request.Method} is not allowed on {context.Request.Path}.",
        _ => ReasonPhrases(context.Response.StatusCode),
    };

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : $"HTTP {status}";
}
