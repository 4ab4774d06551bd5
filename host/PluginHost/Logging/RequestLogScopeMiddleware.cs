using PluginHost.Backends;

namespace PluginHost.Logging;

/// <summary>Opens the <see cref="RequestLogScope"/> of each request, outermost, so error logs carry it too.</summary>
internal sealed class RequestLogScopeMiddleware(RequestDelegate next, BackendRegistry registry, ILogger<RequestLogScopeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // Routing ran before this middleware: the backend is the route's {backend}, else the default backend's (bare routes).
        var backend = context.Request.RouteValues.TryGetValue("backend", out var routed) ? routed as string
            : context.GetEndpoint() is RouteEndpoint ? registry.Default?.Name : null;
        var scope = new RequestLogScope(context.TraceIdentifier, backend);
        context.Features.Set(scope);
        using (logger.BeginScope(scope)) await next(context);
    }
}
