using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;
using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.Logging;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;
using PluginHost.Invocation;
using PluginHost.Projects;
using PluginHost.Training;

namespace PluginHost.Http;

/// <summary>
/// The Label Studio ML-backend routes, for <c>/&lt;backend&gt;/…</c> and for the bare routes of the default backend.
/// Each request reads the backend's slot once and keeps that generation until it has answered.
/// </summary>
internal sealed class BackendEndpoints(
    BackendRegistry registry,
    IProjectStore projects,
    BackendContextFactory contexts,
    PredictInvoker invoker,
    ITrainingService training,
    VersionService versions,
    IEnumerable<ISetupObserver> setupObservers,
    Isolation.IsolatedWorkers isolated,
    IOptions<HostSettings> options)
{
    private readonly int _maxRegionsPerPrediction = options.Value.MaxRegionsPerPrediction;
    private readonly long _maxResponseBytes = options.Value.MaxResponseBytes;
    private readonly string _configuredDefault = options.Value.DefaultBackend;
    private readonly ISetupObserver[] _setupObservers = setupObservers.ToArray();

    public async Task HostHealthAsync(HttpContext context)
    {
        var backends = registry.Slots.Select(Describe).ToList();
        // Isolated backends: what their worker says about the backend, with the worker's own state.
        var workers = isolated.All.ToList();
        if (workers.Count > 0)
        {
            backends.AddRange(await Task.WhenAll(workers.Select(w => Isolation.WorkerProbe.DescribeAsync(w, context.RequestAborted))));
            backends.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        }
        var jobs = context.RequestServices.GetService<Jobs.PredictionJobs>()?.All.Take(20).Select(j => j.Snapshot()).ToList();
        var cluster = context.RequestServices.GetService<Cluster.ClusterHealthReporter>() is { } reporter ? await reporter.DescribeAsync() : null;
        var defaultBackend = registry.Default?.Name ?? (isolated.TryGet(_configuredDefault, out var isolatedDefault) ? isolatedDefault.Backend : null);
        var body = new HostHealth("UP", "PluginHost", defaultBackend, backends, jobs is { Count: > 0 } ? jobs : null, cluster);
        await WriteAsync(context, StatusCodes.Status200OK, body);
    }

    /// <summary><c>GET /ready</c>: 200 once the host serves (cluster mode: once it has loaded the cluster's active versions), else 503.</summary>
    public Task ReadyAsync(HttpContext context)
    {
        var cluster = context.RequestServices.GetService<Cluster.ClusterReadiness>();
        var started = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.IsCancellationRequested;
        var ready = started && (cluster?.IsReady ?? true);
        var detail = ready ? "ready" : cluster?.Pending ?? "the host is starting";
        return WriteAsync(context, ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
            new StatusAnswer(ready ? "ready" : "starting", detail));
    }

    public Task HealthAsync(HttpContext context)
    {
        var slot = FindSlot(context);
        if (slot.Current is null)
            throw new HttpError(StatusCodes.Status503ServiceUnavailable, Unavailable(slot), slot.Name, slot.Status.Details);
        var health = Describe(slot);
        return WriteAsync(context, health.Status == "UP" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, health);
    }

    public Task MetricsAsync(HttpContext context) =>
        WriteAsync(context, StatusCodes.Status200OK, FindSlot(context).Metrics.Snapshot());

    public async Task SetupAsync(HttpContext context)
    {
        var slot = FindSlot(context);
        using var lease = Acquire(slot);
        var request = await ReadAsync(context, HostJson.Info<SetupRequest>());
        var project = request.Project ?? ProjectRef.Default;
        RequestLogScope.SetProject(context, project.Id);
        var key = new ProjectKey(slot.Name, project.Id);
        if (request.Schema is { Length: > 0 } schema)
        {
            // Parsed first: a broken config is refused, never stored.
            contexts.LabelConfigOf(slot.Name, schema, ProjectSnapshot.Empty(key));
            await projects.SetAsync(key, ProjectValueNames.LabelConfig, schema, context.RequestAborted);
        }
        if (request.ExtraParams is { } extra && (!extra.IsEmpty || extra.Raw is not null))
            await projects.SetAsync(key, ProjectValueNames.ExtraParams, extra.ToJson(), context.RequestAborted);
        foreach (var observer in _setupObservers) await observer.OnSetupAsync(slot.Name, project, request, context.RequestAborted);

        var modelVersion = await ModelVersionAsync(lease.Generation, project, context.RequestAborted);
        var setupContext = await contexts.CreateSetupContextAsync(slot.Name, project, modelVersion, context.RequestAborted);
        await lease.Backend.SetupAsync(setupContext, context.RequestAborted);
        await WriteAsync(context, StatusCodes.Status200OK, new SetupAnswer(modelVersion));
    }

    public async Task PredictAsync(HttpContext context)
    {
        var slot = FindSlot(context);
        using var lease = Acquire(slot);
        var request = await ReadAsync(context, HostJson.Info<PredictRequest>());
        var tasks = request.Tasks ?? throw new HttpError(StatusCodes.Status400BadRequest, "The request has no 'tasks' list.", slot.Name);
        PredictRequestValidator.Validate(tasks, request.Params?.Context, slot.Name);
        var project = request.Project ?? (tasks.Count > 0 ? tasks[0].Project : null) ?? ProjectRef.Default;
        RequestLogScope.SetProject(context, project.Id);
        var input = new PredictInput(project, tasks, request.LabelConfig, request.Params?.Context);
        var outcome = await invoker.PredictAsync(lease.Generation, input, PredictPurpose.Request, context.RequestAborted);
        // One warnings list: the predict steps' (invalid regions dropped) and the region cap's.
        var warnings = outcome.Warnings?.ToList();
        var predictions = PredictionBounds.CapRegions(outcome.Predictions, _maxRegionsPerPrediction, ref warnings);
        await WriteBoundedAsync(context, new PredictResponse { Results = predictions, Warnings = warnings }, slot.Name);
    }

    public async Task WebhookAsync(HttpContext context)
    {
        var slot = FindSlot(context);
        using var lease = Acquire(slot);
        var webhookEvent = await ReadAsync(context, HostJson.Info<WebhookEvent>());
        RequestLogScope.SetProject(context, webhookEvent.Project?.Id);
        if (webhookEvent.Action is not { } action || WebhookEvents.Classify(action) == WebhookEventKind.Unknown)
        {
            await WriteAsync(context, StatusCodes.Status200OK, new StatusAnswer("Unknown event", $"'{webhookEvent.Action}' does not train this backend."));
            return;
        }
        if (lease.Generation.Trainable is null)
        {
            // As the Python SDK's server: its four training events answer 201 on every backend, trainable or not.
            var acknowledged = WebhookEvents.PythonSdkAnswersCreated(action);
            var answered = acknowledged
                ? new StatusAnswer("ok", $"Backend '{slot.Name}' does not train; {action} acknowledged.")
                : new StatusAnswer("Unknown event", $"Backend '{slot.Name}' does not train; {action} ignored.");
            await WriteAsync(context, acknowledged ? StatusCodes.Status201Created : StatusCodes.Status200OK, answered);
            return;
        }
        var answer = await training.OnWebhookAsync(lease.Generation, webhookEvent, context.RequestAborted);
        await WriteAsync(context, StatusOf(answer), answer);
    }

    public async Task TrainAsync(HttpContext context)
    {
        var slot = FindSlot(context);
        using var lease = Acquire(slot);
        var request = await ReadAsync(context, HostJson.Info<TrainRequest>());
        if (lease.Generation.Trainable is null)
        {
            await WriteAsync(context, StatusCodes.Status200OK, new StatusAnswer("ok", $"Backend '{slot.Name}' does not train."));
            return;
        }
        var answer = await training.OnTrainRequestAsync(lease.Generation, request, context.RequestAborted);
        await WriteAsync(context, StatusOf(answer), answer);
    }

    /// <summary><c>GET /versions[?project=id]</c>: Label Studio reads <c>versions</c>; the details are for people.</summary>
    public Task VersionsAsync(HttpContext context)
    {
        var slot = FindSlot(context);
        using var lease = Acquire(slot);
        var list = lease.Generation.Trainable is null
            ? new VersionList([lease.Generation.CodeVersion])
            : versions.List(lease.Generation, context.Request.Query["project"].FirstOrDefault());
        return WriteAsync(context, StatusCodes.Status200OK, list);
    }

    /// <summary><c>POST /versions/{version}/activate[?project=id]</c> (or <c>{"project":…}</c> in the body): rollback or roll forward.</summary>
    public async Task ActivateVersionAsync(HttpContext context)
    {
        var slot = FindSlot(context);
        using var lease = Acquire(slot);
        if (lease.Generation.Trainable is null)
            throw new HttpError(StatusCodes.Status400BadRequest, $"Backend '{slot.Name}' does not train; it has no versions to activate.", slot.Name);
        var version = (string)context.Request.RouteValues["version"]!;
        var project = context.Request.Query["project"].FirstOrDefault();
        if (project is null && context.Request.ContentLength is > 0)
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("project", out var p))
                project = p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetRawText();
        }
        var answer = await versions.ActivateAsync(lease.Generation, project, version, context.RequestAborted);
        await WriteAsync(context, StatusCodes.Status200OK, answer);
    }

    /// <summary><c>GET /jobs/{id}</c>: state, progress and error of a training job.</summary>
    public async Task JobAsync(HttpContext context)
    {
        var slot = FindSlot(context);
        var id = (string)context.Request.RouteValues["id"]!;
        var job = await training.GetJobAsync(slot.Name, id, context.RequestAborted) ?? throw new HttpError(StatusCodes.Status404NotFound, $"Backend '{slot.Name}' has no training job '{id}'.", slot.Name);
        await WriteAsync(context, StatusCodes.Status200OK, job);
    }

    /// <summary><c>DELETE /jobs/{id}</c>: cancels a waiting or running job (202 while it stops, 200 when already done).</summary>
    public async Task CancelJobAsync(HttpContext context)
    {
        var slot = FindSlot(context);
        var id = (string)context.Request.RouteValues["id"]!;
        var job = await training.CancelJobAsync(slot.Name, id, context.RequestAborted) ?? throw new HttpError(StatusCodes.Status404NotFound, $"Backend '{slot.Name}' has no training job '{id}'.", slot.Name);
        await WriteAsync(context, job.State == Training.TrainingJobStates.Running ? StatusCodes.Status202Accepted : StatusCodes.Status200OK, job);
    }

    /// <summary>The route's backend (<c>{backend}</c>), or the default backend for bare routes.</summary>
    internal BackendSlot FindSlot(HttpContext context)
    {
        if (context.Request.RouteValues.TryGetValue("backend", out var value) && value is string name)
        {
            if (registry.TryGet(name, out var slot)) return slot;
            throw new HttpError(StatusCodes.Status404NotFound, $"Unknown backend '{name}'. Known backends: {KnownBackends()}.");
        }
        return registry.Default ?? throw new HttpError(StatusCodes.Status404NotFound,
            $"No default backend for the bare routes: set DefaultBackend, or call /<backend>/… . Known backends: {KnownBackends()}.");
    }

    private string KnownBackends()
    {
        var names = registry.Slots.Select(s => s.Name).ToList();
        return names.Count == 0 ? "(none)" : string.Join(", ", names);
    }

    private static BackendLease Acquire(BackendSlot slot) =>
        slot.TryAcquire(out var lease) ? lease : throw new HttpError(StatusCodes.Status503ServiceUnavailable, Unavailable(slot), slot.Name, slot.Status.Details);

    private static string Unavailable(BackendSlot slot) => slot.Status switch
    {
        { State: BackendState.Failed, Error: { } error } => $"Backend '{slot.Name}' failed to load: {error}",
        _ => $"Backend '{slot.Name}' is still loading.",
    };

    private async ValueTask<string> ModelVersionAsync(BackendGeneration generation, ProjectRef project, CancellationToken cancellationToken)
    {
        if (generation.Models is null) return generation.CodeVersion;
        using var model = await generation.Models.AcquireAsync(project, cancellationToken);
        return model.Generation.ModelVersion;
    }

    /// <summary>Queued work and stored annotations are "created" (what Label Studio and the Python SDK expect); the rest is 200.</summary>
    private static int StatusOf(TrainingAnswer answer) => answer.Outcome switch
    {
        TrainingOutcome.Queued or TrainingOutcome.Stored or TrainingOutcome.Acknowledged => StatusCodes.Status201Created,
        _ => StatusCodes.Status200OK,
    };

    internal static BackendHealth Describe(BackendSlot slot)
    {
        var current = slot.Current;
        var status = slot.Status;
        var modelVersion = current?.Models?.Current.Values.FirstOrDefault()?.ModelVersion ?? current?.CodeVersion;
        var backendError = current?.Backend.HealthError;
        return new BackendHealth(current is null || backendError is not null ? "DOWN" : "UP", slot.Name, slot.Name,
            status.State.ToString().ToLowerInvariant(), modelVersion, current?.Origin, current?.LoadedAt, backendError ?? status.Error,
            status.Details.Count > 0 ? status.Details : null);
    }

    private static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> info) where T : class
    {
        if (context.Request.ContentLength == 0)
            throw new HttpError(StatusCodes.Status400BadRequest, "The request body is empty; a JSON object is expected.");
        T? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync(context.Request.Body, info, context.RequestAborted);
        }
        catch (IOException ex) when (ex is not BadHttpRequestException && !context.RequestAborted.IsCancellationRequested)
        {
            // Kestrel reports a malformed body framing (e.g. a chunk size of FFFFFFFFFFFFFFFF) as an IOException.
            throw new HttpError(StatusCodes.Status400BadRequest, $"The request body could not be read: {ex.Message}");
        }
        return body ?? throw new HttpError(StatusCodes.Status400BadRequest, "The request body is JSON null; a JSON object is expected.");
    }

    /// <summary>Writes a predict answer measured in memory first, so one past <c>MaxResponseBytes</c> becomes a clean JSON 500.</summary>
    private async Task WriteBoundedAsync(HttpContext context, PredictResponse body, string backend)
    {
        using var buffer = new CappedBufferWriter(_maxResponseBytes);
        try
        {
            await using var writer = new Utf8JsonWriter(buffer);
            JsonSerializer.Serialize(writer, body, HostJson.Info<PredictResponse>());
        }
        catch (ResponseTooLargeException ex)
        {
            throw new HttpError(StatusCodes.Status500InternalServerError,
                $"Backend '{backend}' answered more than {ex.Limit} bytes for {body.Results.Count} task(s) (MaxResponseBytes); send fewer tasks or raise the limit.", backend);
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenMemory.Length;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    private static Task WriteAsync<T>(HttpContext context, int status, T body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, body, HostJson.Info<T>(), context.RequestAborted);
    }
}
