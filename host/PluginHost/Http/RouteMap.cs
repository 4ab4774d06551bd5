namespace PluginHost.Http;

/// <summary>
/// The URL space: <c>/&lt;backend&gt;/{health,setup,predict,webhook,train,versions,metrics,jobs}</c> for every backend, the
/// same bare routes for the default backend, and <c>GET /</c> and <c>GET /health</c> for the whole host. Routing
/// matches with or without a trailing slash and never redirects (Label Studio's client would turn a POST into a GET:
/// docs/protocol.md §1.0, §6.7).
/// </summary>
internal static class RouteMap
{
    public static void MapLabelStudioRoutes(this IEndpointRouteBuilder app)
    {
        var endpoints = app.ServiceProvider.GetRequiredService<BackendEndpoints>();
        var jobs = app.ServiceProvider.GetRequiredService<Jobs.Http.JobEndpoints>();

        app.MapGet("/", endpoints.HostHealthAsync);
        app.MapGet("/health", endpoints.HostHealthAsync);
        MapBackendRoutes(app, "", endpoints, jobs);

        app.MapGet("/{backend}/health", endpoints.HealthAsync);
        MapBackendRoutes(app, "/{backend}", endpoints, jobs);
    }

    private static void MapBackendRoutes(IEndpointRouteBuilder app, string prefix, BackendEndpoints endpoints, Jobs.Http.JobEndpoints jobs)
    {
        app.MapPost($"{prefix}/setup", endpoints.SetupAsync);
        app.MapPost($"{prefix}/predict", endpoints.PredictAsync);
        app.MapPost($"{prefix}/webhook", endpoints.WebhookAsync).WithMetadata(WebhookEndpointMetadata.Instance);
        app.MapPost($"{prefix}/train", endpoints.TrainAsync);
        app.MapGet($"{prefix}/versions", endpoints.VersionsAsync);
        app.MapPost($"{prefix}/versions/{{version}}/activate", endpoints.ActivateVersionAsync);
        // One jobs surface for training and prediction jobs (docs/prediction-jobs.md).
        app.MapPost($"{prefix}/jobs/predict", jobs.StartPredictionAsync);
        app.MapGet($"{prefix}/jobs", jobs.ListAsync);
        app.MapGet($"{prefix}/jobs/{{id}}", jobs.GetAsync);
        app.MapDelete($"{prefix}/jobs/{{id}}", jobs.CancelAsync);
        app.MapGet($"{prefix}/jobs/{{id}}/events", jobs.EventsAsync);
        app.MapGet($"{prefix}/metrics", endpoints.MetricsAsync);
    }
}
