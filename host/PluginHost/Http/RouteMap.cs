using PluginHost.Backends;
using PluginHost.Http.Docs;
using PluginHost.Jobs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;
using PluginHost.Training;

namespace PluginHost.Http;

/// <summary>
/// The URL space: <c>/&lt;backend&gt;/{health,setup,predict,webhook,train,versions,metrics,jobs}</c> for every backend, the
/// same bare routes for the default backend, and <c>GET /</c> and <c>GET /health</c> for the whole host. Routing
/// matches with or without a trailing slash and never redirects (Label Studio's client would turn a POST into a GET:
/// docs/protocol.md §1.0, §6.7). Every route carries its OpenAPI description (<see cref="RouteDocs"/>; examples in
/// <see cref="RouteExamples"/>).
/// </summary>
internal static class RouteMap
{
    public const string HostTag = "Host";
    public const string BackendTag = "Backend (/<backend>/…)";
    public const string DefaultTag = "Default backend (bare routes)";

    public static void MapLabelStudioRoutes(this IEndpointRouteBuilder app)
    {
        var endpoints = app.ServiceProvider.GetRequiredService<BackendEndpoints>();
        var jobs = app.ServiceProvider.GetRequiredService<Jobs.Http.JobEndpoints>();

        app.MapGet("/", endpoints.HostHealthAsync).Answers<HostHealth>()
            .Documented("root", HostTag, "Host health (same as /health)", "Every backend with its state, origin, version and load errors.");
        app.MapGet("/health", endpoints.HostHealthAsync).Answers<HostHealth>()
            .Documented("hostHealth", HostTag, "Host health", "Every backend with its state, origin, version and load errors.");
        app.MapGet("/ready", endpoints.ReadyAsync).Answers<StatusAnswer>().Answers<StatusAnswer>(StatusCodes.Status503ServiceUnavailable)
            .Documented("ready", HostTag, "Readiness probe",
                "200 once the host serves; in cluster mode once it has loaded the cluster's active versions (503 with what it waits for until then).");
        // The routes of one backend (bare: the default backend's), as opposed to the host's own above: an isolated
        // backend's are forwarded to its worker process (Isolation/WorkerForwardingMiddleware).
        var backendRoutes = app.MapGroup("").WithMetadata(Isolation.BackendRouteMetadata.Instance);
        MapBackendRoutes(backendRoutes, "", endpoints, jobs, DefaultTag, "Default");

        backendRoutes.MapGet("/{backend}/health", endpoints.HealthAsync).Answers<BackendHealth>()
            .Answers<BackendHealth>(StatusCodes.Status503ServiceUnavailable)
            .Documented("health", BackendTag, "Backend health", "UP with the backend's version, or 503 with its load/compile errors.");
        MapBackendRoutes(backendRoutes, "/{backend}", endpoints, jobs, BackendTag, "");
    }

    private static void MapBackendRoutes(IEndpointRouteBuilder app, string prefix, BackendEndpoints endpoints, Jobs.Http.JobEndpoints jobs,
        string tag, string suffix)
    {
        app.MapPost($"{prefix}/setup", endpoints.SetupAsync).Takes<SetupRequest>().Answers<SetupAnswer>()
            .Documented("setup" + suffix, tag, "Connect a project",
                "Label Studio sends the project's label config (schema) and extra params when a model is connected; answers the model version.");
        app.MapPost($"{prefix}/predict", endpoints.PredictAsync).Takes<PredictRequest>().Answers<PredictResponse>()
            .Answers<ApiError>(StatusCodes.Status504GatewayTimeout)
            .Documented("predict" + suffix, tag, "Predict",
                "A batch of tasks (one prediction per task, in order), or one interactive task when params.context is set.");
        app.MapPost($"{prefix}/webhook", endpoints.WebhookAsync).WithMetadata(WebhookEndpointMetadata.Instance).Takes<WebhookEvent>()
            .Answers<TrainingAnswer>().Answers<TrainingAnswer>(StatusCodes.Status201Created)
            .Documented("webhook" + suffix, tag, "Training events",
                "Label Studio's webhooks (ANNOTATION_CREATED, START_TRAINING…): stores annotations and queues training; answers at once.");
        app.MapPost($"{prefix}/train", endpoints.TrainAsync).Takes<TrainRequest>()
            .Answers<TrainingAnswer>(StatusCodes.Status201Created)
            .Documented("train" + suffix, tag, "Train (legacy)", "The legacy training call with the annotations in the body: queues a job.");
        app.MapGet($"{prefix}/versions", endpoints.VersionsAsync).Answers<VersionList>()
            .Documented("versions" + suffix, tag, "Model versions",
                "The stored versions (Label Studio reads 'versions'); 'details' has each version's examples, duration and evaluation. Query: project.");
        app.MapPost($"{prefix}/versions/{{version}}/activate", endpoints.ActivateVersionAsync).Takes<ActivateRequest>(optional: true)
            .Answers<ActivationAnswer>()
            .Documented("activateVersion" + suffix, tag, "Activate a version", "Rolls a project back or forward to a stored version (v2, 2 or <backend>-v2).");
        // One jobs surface for training and prediction jobs (docs/prediction-jobs.md).
        app.MapPost($"{prefix}/jobs/predict", jobs.StartPredictionAsync).Takes<PredictionJobRequest>(optional: true)
            .Answers<JobStarted>(StatusCodes.Status202Accepted)
            .Documented("startPredictionJob" + suffix, tag, "Pre-annotate a project",
                "Starts a prediction job over a Label Studio project's tasks (202 with the job id, its URL and its event stream).");
        app.MapGet($"{prefix}/jobs", jobs.ListAsync).Answers<JobList>()
            .Documented("jobs" + suffix, tag, "Prediction jobs", "The backend's prediction jobs, newest first.");
        app.MapGet($"{prefix}/jobs/{{id}}", jobs.GetAsync).Answers<TrainingJobInfo>()
            .Documented("job" + suffix, tag, "A job",
                "State, stage, progress (0–1) and outcome of a training job; a prediction job (id pj-…) answers its PredictionJobInfo.");
        app.MapDelete($"{prefix}/jobs/{{id}}", jobs.CancelAsync).Answers<TrainingJobInfo>()
            .Answers<TrainingJobInfo>(StatusCodes.Status202Accepted)
            .Documented("cancelJob" + suffix, tag, "Cancel a job", "202 while a running job stops, 200 when it had already finished.");
        app.MapGet($"{prefix}/jobs/{{id}}/events", jobs.EventsAsync).AnswersText("text/event-stream")
            .Documented("jobEvents" + suffix, tag, "Follow a job", "Server-sent events: 'progress' on every change (at most every 250 ms), then 'end'.");
        app.MapGet($"{prefix}/metrics", endpoints.MetricsAsync).Answers<BackendMetricsSnapshot>()
            .Documented("metrics" + suffix, tag, "Backend metrics (JSON)",
                "Predict calls, tasks, errors, timeouts and latency percentiles of the backend. Prometheus: GET /metrics/prometheus.");
    }
}
