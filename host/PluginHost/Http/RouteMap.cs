namespace PluginHost.Http;

/// <summary>
/// The URL space: <c>/&lt;backend&gt;/{health,setup,predict,webhook,train,versions,metrics}</c> for every backend, the
/// same bare routes for the default backend, and <c>GET /</c> and <c>GET /health</c> for the whole host. Routing
/// matches with or without a trailing slash and never redirects (Label Studio's client would turn a POST into a GET:
/// docs/protocol.md §1.0, §6.7).
/// </summary>
internal static class RouteMap
{
    public static void MapLabelStudioRoutes(this IEndpointRouteBuilder app)
    {
        var endpoints = app.ServiceProvider.GetRequiredService<BackendEndpoints>();

        app.MapGet("/", endpoints.HostHealthAsync);
        app.MapGet("/health", endpoints.HostHealthAsync);
        MapBackendRoutes(app, "", endpoints);

        app.MapGet("/{backend}/health", endpoints.HealthAsync);
        MapBackendRoutes(app, "/{backend}", endpoints);
    }

    private static void MapBackendRoutes(IEndpointRouteBuilder app, string prefix, BackendEndpoints endpoints)
    {
        app.MapPost($"{prefix}/setup", endpoints.SetupAsync);
        app.MapPost($"{prefix}/predict", endpoints.PredictAsync);
        app.MapPost($"{prefix}/webhook", endpoints.WebhookAsync);
        app.MapPost($"{prefix}/train", endpoints.TrainAsync);
        app.MapGet($"{prefix}/versions", endpoints.VersionsAsync);
        app.MapPost($"{prefix}/versions/{{version}}/activate", endpoints.ActivateVersionAsync);
        app.MapGet($"{prefix}/jobs/{{id}}", endpoints.JobAsync);
        app.MapDelete($"{prefix}/jobs/{{id}}", endpoints.CancelJobAsync);
        app.MapGet($"{prefix}/metrics", endpoints.MetricsAsync);
    }
}
