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
using PluginHost.State;
using PluginHost.Training;

namespace PluginHost.Http;

/// <summary>
/// The Label Studio ML-backend routes, for <c>/&lt;backend&gt;/…</c> and for the bare routes of the default backend.
/// Each request reads the backend's slot once and keeps that generation until it has answered.
/// </summary>
internal sealed class BackendEndpoints(
    BackendRegistry registry,
    LabelConfigCache labelConfigs,
    ProjectStateStore state,
    ITrainingService training,
    IEnumerable<ISetupObserver> setupObservers,
    IOptions<HostSettings> options,
    ILoggerFactory loggerFactory)
{
    private const string LabelConfigKey = ProjectStateKeys.LabelConfig;
    private const string ExtraParamsKey = ProjectStateKeys.ExtraParams;
    private static readonly HashSet<string> TrainingEvents = new(StringComparer.Ordinal)
    {
        "START_TRAINING", "ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATION_DELETED", "ANNOTATIONS_CREATED", "ANNOTATIONS_DELETED",
        "PROJECT_UPDATED",
    };

    /// <summary>The events the Python SDK's <c>/webhook</c> answers with 201 (its <c>TRAIN_EVENTS</c>).</summary>
    private static readonly HashSet<string> PythonTrainingEvents = new(StringComparer.Ordinal)
    {
        "ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATION_DELETED", "START_TRAINING",
    };

    private readonly TimeSpan _predictTimeout = TimeSpan.FromSeconds(options.Value.PredictTimeoutSeconds);
    private readonly int _maxRegionsPerPrediction = options.Value.MaxRegionsPerPrediction;
    private readonly long _maxResponseBytes = options.Value.MaxResponseBytes;
    private readonly ISetupObserver[] _setupObservers = setupObservers.ToArray();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ExtraParams> _extraParams = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.OrdinalIgnoreCase);

    public Task HostHealthAsync(HttpContext context)
    {
        var backends = registry.Slots.Select(Describe).ToList();
        var jobs = context.RequestServices.GetService<Jobs.PredictionJobs>()?.All.Take(20).Select(j => j.Snapshot()).ToList();
        var body = new HostHealth("UP", "PluginHost", registry.Default?.Name, backends, jobs is { Count: > 0 } ? jobs : null);
        return WriteAsync(context, StatusCodes.Status200OK, body);
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
        var projectState = state.For(slot.Name, project.Id);
        var labelConfig = request.Schema is { Length: > 0 } schema ? Parse(schema, slot.Name) : null;
        if (labelConfig is not null) await projectState.SetAsync(LabelConfigKey, labelConfig.Xml, context.RequestAborted);
        if (request.ExtraParams is { } extra && (!extra.IsEmpty || extra.Raw is not null))
            await projectState.SetAsync(ExtraParamsKey, extra.ToJson(), context.RequestAborted);
        foreach (var observer in _setupObservers) observer.OnSetup(slot.Name, project, request);

        var modelVersion = await ModelVersionAsync(lease.Generation, project, context.RequestAborted);
        await lease.Backend.SetupAsync(new SetupContext
        {
            BackendName = slot.Name,
            Project = project,
            LabelConfig = labelConfig ?? StoredLabelConfig(projectState, slot.Name),
            ExtraParams = ExtraParamsOf(projectState),
            Logger = LoggerFor(slot),
            State = projectState,
            ModelVersion = modelVersion,
            Hostname = request.Hostname,
            AccessToken = request.AccessToken,
        }, context.RequestAborted);
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
        var projectState = state.For(slot.Name, project.Id);
        var labelConfig = request.LabelConfig is { Length: > 0 } xml ? Parse(xml, slot.Name) : StoredLabelConfig(projectState, slot.Name);

        // A backend loaded without its model (IBackendHealth) is our fault, not the request's: 503 with the reason, as
        // /health says — after the request's own checks, so a malformed request is a 400 on every backend.
        if (lease.Backend is IBackendHealth { HealthError: { } unusable })
            throw new HttpError(StatusCodes.Status503ServiceUnavailable, $"Backend '{slot.Name}' is not usable: {unusable}", slot.Name);

        var generation = lease.Generation;
        ModelLease? model = generation.Models is { } models ? await models.AcquireAsync(project, context.RequestAborted) : null;
        try
        {
            var predictContext = new PredictContext
            {
                BackendName = slot.Name,
                Project = project,
                LabelConfig = labelConfig,
                ExtraParams = ExtraParamsOf(projectState),
                Logger = LoggerFor(slot),
                State = projectState,
                ModelVersion = model?.Generation.ModelVersion ?? generation.CodeVersion,
                Tasks = tasks,
                Interactive = request.Params?.Context,
                Params = request.Params,
                Model = model?.Generation.Model,
            };
            var started = Stopwatch.GetTimestamp();
            var predictions = await InvokePredictAsync(slot, lease.Backend, predictContext, context.RequestAborted);
            slot.Metrics.RecordPredict(tasks.Count, Stopwatch.GetElapsedTime(started));
            if (predictions.Count != 0 && predictions.Count != tasks.Count)
                throw new HttpError(StatusCodes.Status500InternalServerError,
                    $"Backend '{slot.Name}' returned {predictions.Count} predictions for {tasks.Count} tasks; Label Studio needs one per task, in order.", slot.Name);
            foreach (var prediction in predictions) prediction.ModelVersion ??= predictContext.ModelVersion;
            List<string>? warnings = null;
            predictions = PredictionBounds.CapRegions(predictions, _maxRegionsPerPrediction, ref warnings);
            await WriteBoundedAsync(context, new PredictResponse { Results = predictions, Warnings = warnings }, slot.Name);
        }
        finally
        {
            model?.Dispose();
        }
    }

    public async Task WebhookAsync(HttpContext context)
    {
        var slot = FindSlot(context);
        using var lease = Acquire(slot);
        var webhookEvent = await ReadAsync(context, HostJson.Info<WebhookEvent>());
        RequestLogScope.SetProject(context, webhookEvent.Project?.Id);
        if (webhookEvent.Action is not { } action || !TrainingEvents.Contains(action))
        {
            await WriteAsync(context, StatusCodes.Status200OK, new StatusAnswer("Unknown event", $"'{webhookEvent.Action}' does not train this backend."));
            return;
        }
        if (lease.Generation.Trainable is null)
        {
            // As the Python SDK's server: its four training events answer 201 on every backend, trainable or not.
            var answered = PythonTrainingEvents.Contains(action)
                ? new StatusAnswer("ok", $"Backend '{slot.Name}' does not train; {action} acknowledged.")
                : new StatusAnswer("Unknown event", $"Backend '{slot.Name}' does not train; {action} ignored.");
            await WriteAsync(context, PythonTrainingEvents.Contains(action) ? StatusCodes.Status201Created : StatusCodes.Status200OK, answered);
            return;
        }
        var answer = await training.OnWebhookAsync(lease.Generation, webhookEvent, context.RequestAborted);
        await WriteAsync(context, answer.StatusCode, answer);
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
        await WriteAsync(context, answer.StatusCode, answer);
    }

    /// <summary><c>GET /versions[?project=id]</c>: Label Studio reads <c>versions</c>; the details are for people.</summary>
    public Task VersionsAsync(HttpContext context)
    {
        var slot = FindSlot(context);
        using var lease = Acquire(slot);
        var versions = lease.Generation.Trainable is null
            ? new VersionList([lease.Generation.CodeVersion])
            : training.ListVersions(lease.Generation, context.Request.Query["project"].FirstOrDefault());
        return WriteAsync(context, StatusCodes.Status200OK, versions);
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
        var answer = await training.ActivateAsync(lease.Generation, project, version, context.RequestAborted);
        await WriteAsync(context, StatusCodes.Status200OK, answer);
    }

    /// <summary><c>GET /jobs/{id}</c>: state, progress and error of a training job.</summary>
    public Task JobAsync(HttpContext context)
    {
        var slot = FindSlot(context);
        var id = (string)context.Request.RouteValues["id"]!;
        var job = training.GetJob(slot.Name, id) ?? throw new HttpError(StatusCodes.Status404NotFound, $"Backend '{slot.Name}' has no training job '{id}'.", slot.Name);
        return WriteAsync(context, StatusCodes.Status200OK, job);
    }

    /// <summary><c>DELETE /jobs/{id}</c>: cancels a waiting or running job (202 while it stops, 200 when already done).</summary>
    public Task CancelJobAsync(HttpContext context)
    {
        var slot = FindSlot(context);
        var id = (string)context.Request.RouteValues["id"]!;
        var job = training.CancelJob(slot.Name, id) ?? throw new HttpError(StatusCodes.Status404NotFound, $"Backend '{slot.Name}' has no training job '{id}'.", slot.Name);
        return WriteAsync(context, job.State == Training.TrainingJobStates.Running ? StatusCodes.Status202Accepted : StatusCodes.Status200OK, job);
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

    private async Task<IReadOnlyList<Prediction>> InvokePredictAsync(BackendSlot slot, ILabelStudioBackend backend,
        PredictContext predictContext, CancellationToken requestAborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        timeout.CancelAfter(_predictTimeout);
        try
        {
            // On the thread pool, so that even a backend blocking its thread before returning (a script's runaway
            // loop) cannot hold the request; one that ignores its token is left behind at the deadline.
            var pending = Task.Run(() => backend.PredictAsync(predictContext, timeout.Token).AsTask(), CancellationToken.None);
            return await pending.WaitAsync(_predictTimeout, requestAborted);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && timeout.IsCancellationRequested && !requestAborted.IsCancellationRequested))
        {
            slot.Metrics.RecordTimeout();
            throw new HttpError(StatusCodes.Status504GatewayTimeout,
                $"Backend '{slot.Name}' did not answer within {_predictTimeout.TotalSeconds:0.#} s (PredictTimeoutSeconds).", slot.Name);
        }
        catch (LabelConfigException ex)
        {
            slot.Metrics.RecordError();
            throw new HttpError(StatusCodes.Status400BadRequest, $"Label config: {ex.Message}", slot.Name);
        }
        catch (BackendException ex)
        {
            // The backend chose the status (502: a service it calls failed; 503: its model is missing) and a message fit for the client.
            slot.Metrics.RecordError();
            throw new HttpError(ex.StatusCode, ex.Message, slot.Name);
        }
        catch (Exception ex) when (ex is not HttpError and not OperationCanceledException)
        {
            slot.Metrics.RecordError();
            throw new BackendCallException(slot.Name, ex);
        }
    }

    private async ValueTask<string> ModelVersionAsync(BackendGeneration generation, ProjectRef project, CancellationToken cancellationToken)
    {
        if (generation.Models is null) return generation.CodeVersion;
        using var model = await generation.Models.AcquireAsync(project, cancellationToken);
        return model.Generation.ModelVersion;
    }

    private LabelConfig Parse(string xml, string backend)
    {
        try
        {
            return labelConfigs.Get(xml);
        }
        catch (LabelConfigException ex)
        {
            throw new HttpError(StatusCodes.Status400BadRequest, $"Label config: {ex.Message}", backend);
        }
    }

    /// <summary>The config <c>/setup</c> stored for the project, for requests that carry none.</summary>
    private LabelConfig? StoredLabelConfig(IProjectState projectState, string backend) =>
        projectState.Get(LabelConfigKey) is { Length: > 0 } xml ? Parse(xml, backend) : null;

    /// <summary>The project's extra params, parsed once per distinct value (not on every request).</summary>
    private ExtraParams ExtraParamsOf(IProjectState projectState)
    {
        if (projectState.Get(ExtraParamsKey) is not { Length: > 0 } json) return ExtraParams.Empty;
        if (_extraParams.TryGetValue(json, out var parsed)) return parsed;
        if (_extraParams.Count >= 512) _extraParams.Clear();
        return _extraParams.GetOrAdd(json, ExtraParams.Parse);
    }

    /// <summary>One logger per backend: <c>LoggerFactory.CreateLogger</c> takes a lock, which has no place on the request path.</summary>
    private ILogger LoggerFor(BackendSlot slot) =>
        _loggers.GetOrAdd(slot.Name, static (name, factory) => factory.CreateLogger($"PluginHost.Backend.{name}"), loggerFactory);

    internal static BackendHealth Describe(BackendSlot slot)
    {
        var current = slot.Current;
        var status = slot.Status;
        var modelVersion = current?.Models?.Current.Values.FirstOrDefault()?.ModelVersion ?? current?.CodeVersion;
        var backendError = (current?.Backend as IBackendHealth)?.HealthError;
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

/// <summary>A backend threw: a JSON 500 naming the backend and the exception (<c>"&lt;Exception&gt;: message"</c>).</summary>
public sealed class BackendCallException(string backend, Exception inner)
    : Exception($"{inner.GetType().Name}: {inner.Message}", inner)
{
    public string Backend { get; } = backend;
}

/// <summary>Told about every <c>/setup</c> (e.g. to remember the Label Studio address and token it carries).</summary>
public interface ISetupObserver
{
    void OnSetup(string backend, ProjectRef project, SetupRequest request);
}
