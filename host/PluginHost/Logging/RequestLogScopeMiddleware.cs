using PluginHost.Backends;

namespace PluginHost.Logging;

/// <summary>Opens the <see cref="RequestLogScope"/> of each request, outermost, so error logs carry it too.</summary>
internal sealed class RequestLogScopeMiddleware(RequestDelegate next, BackendRegistry registry, ILogger<RequestLogScopeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // The scope opens before routing (so error logs carry it); the backend is read when a line is written: the
        // route's {backend}, else the default backend's for a routed bare route.
        var scope = new RequestLogScope(context.TraceIdentifier, () =>
            context.Request.RouteValues.TryGetValue("backend", out var routed) ? routed as string
            : context.GetEndpoint() is RouteEndpoint ? registry.Default?.Name : null);
        context.Features.Set(scope);
        using (logger.BeginScope(scope))
        {
            try
            {
                await next(context);
            }
            finally
            {
                scope.Freeze();
            }
        }
    }
}
