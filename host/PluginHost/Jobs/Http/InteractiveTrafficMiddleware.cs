namespace PluginHost.Jobs.Http;

/// <summary>Counts the <c>POST …/predict</c> requests in flight for <see cref="InteractiveTraffic"/>.</summary>
internal sealed class InteractiveTrafficMiddleware(RequestDelegate next, InteractiveTraffic traffic)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path.Value?.TrimEnd('/').EndsWith("/predict", StringComparison.Ordinal) != true)
        {
            await next(context);
            return;
        }
        traffic.Enter();
        try
        {
            await next(context);
        }
        finally
        {
            traffic.Leave();
        }
    }
}
