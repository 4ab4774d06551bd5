using System.Collections.Concurrent;
using System.Text.Json;
using PluginHost.Backends;
using PluginHost.Http;
using PluginHost.Sdk.Json;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;
using PluginHost.State;

namespace PluginHost.Training;

/// <summary>
/// Turns Label Studio's training events into stored annotations and queued jobs, answering at once (Label Studio
/// gives a webhook one second). Also watches <c>/setup</c>: it remembers the label config, and a config whose labels
/// differ from those the active version learned queues a clean retrain.
/// </summary>
public sealed class TrainingService(
    BackendRegistry registry,
    TrainingQueue queue,
    TrainingJobRunner runner,
    AnnotationStore annotations,
    ModelStore modelStore,
    ModelActivator activator,
    LabelConfigCache labelConfigs,
    ILogger<TrainingService> logger) : ITrainingService, ISetupObserver
{
    private readonly ConcurrentDictionary<(string Backend, string Project), int> _annotationsSinceJob = new();
    private readonly ConcurrentDictionary<(string Backend, string Project), string> _retrainRequestedFor = new();
    private readonly ConcurrentDictionary<(string Backend, string Project), string> _lastSetupConfig = new();

    public Task<TrainingAnswer> OnWebhookAsync(BackendGeneration generation, WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var backend = generation.Name;
        var action = webhookEvent.Action ?? "";
        var project = webhookEvent.Project ?? ProjectOfTasks(webhookEvent.Task) ?? throw new HttpError(StatusCodes.Status400BadRequest,
            $"The {action} webhook has no 'project'; Label Studio sends the project object with every event.", backend);
        if (project.LabelConfig is { Length: > 0 } xml) annotations.SaveLabelConfig(project.Id, xml);
        var settings = runner.SettingsFor(backend);

        switch (action)
        {
            case "START_TRAINING":
                return Task.FromResult(Queued(backend, project, action));

            case "ANNOTATION_CREATED" or "ANNOTATION_UPDATED" or "ANNOTATIONS_CREATED":
            {
                if (webhookEvent.Annotation is not { Count: > 0 } && webhookEvent.Annotations is not { Count: > 0 })
                    return Task.FromResult(new TrainingAnswer(StatusCodes.Status201Created, "ok",
                        Detail: $"The {action} webhook carries no 'annotation': nothing stored."));
                var stored = StoreAnnotations(backend, project, webhookEvent);
                if (settings.EveryNAnnotations <= 0)
                    return Task.FromResult(new TrainingAnswer(StatusCodes.Status201Created, "ok",
                        Detail: $"Stored {stored} annotation(s); training starts on START_TRAINING (Training:EveryNAnnotations is off)."));
                var key = (backend, project.Id);
                var count = _annotationsSinceJob.AddOrUpdate(key, stored, (_, n) => n + stored);
                if (count < settings.EveryNAnnotations)
                    return Task.FromResult(new TrainingAnswer(StatusCodes.Status201Created, "ok",
                        Detail: $"Stored {stored} annotation(s); {count} of {settings.EveryNAnnotations} before the next training."));
                _annotationsSinceJob[key] = 0;
                return Task.FromResult(Queued(backend, project, action));
            }

            case "ANNOTATIONS_DELETED" or "ANNOTATION_DELETED":
            {
                var ids = (webhookEvent.Annotations ?? webhookEvent.Annotation ?? []).Select(a => a.Id).OfType<long>().ToList();
                var deleted = annotations.Delete(project.Id, ids);
                // 201 like the Python SDK's server for its training events (ANNOTATION_DELETED; the bulk event is not one).
                return Task.FromResult(new TrainingAnswer(action == "ANNOTATION_DELETED" ? StatusCodes.Status201Created : StatusCodes.Status200OK, "ok",
                    Detail: $"Removed {deleted} stored annotation(s)."));
            }

            case "PROJECT_UPDATED":
                if (settings.TrainOnProjectUpdated) return Task.FromResult(Queued(backend, project, action));
                if (project.LabelConfig is { Length: > 0 } changed && RetrainIfLabelsChanged(backend, project, changed) is { } job)
                    return Task.FromResult(new TrainingAnswer(StatusCodes.Status201Created, "ok", job, "The label config's labels changed: retraining."));
                return Task.FromResult(new TrainingAnswer(StatusCodes.Status200OK, "Unknown event",
                    Detail: $"PROJECT_UPDATED does not train {backend} (set Backends:{backend}:Training:TrainOnProjectUpdated to train on it)."));

            default:
                return Task.FromResult(new TrainingAnswer(StatusCodes.Status200OK, "Unknown event", Detail: $"'{action}' does not train {backend}."));
        }
    }

    public Task<TrainingAnswer> OnTrainRequestAsync(BackendGeneration generation, TrainRequest request, CancellationToken cancellationToken)
    {
        var tasks = request.Annotations ?? throw new HttpError(StatusCodes.Status400BadRequest,
            "The /train request has no 'annotations' list (Label Studio sends every annotated task there).", generation.Name);
        var project = request.Project ?? tasks.Select(t => t.Project).FirstOrDefault(p => p is not null) ?? ProjectRef.Default;
        if (request.LabelConfig is { Length: > 0 } xml) annotations.SaveLabelConfig(project.Id, xml);
        var stored = Store(generation.Name, () => annotations.ReplaceProject(project.Id, tasks));
        var answer = Queued(generation.Name, project, "TRAIN");
        return Task.FromResult(answer with { Detail = $"Stored {stored} annotation(s) of {tasks.Count} task(s). {answer.Detail}" });
    }

    public VersionList ListVersions(BackendGeneration generation, string? projectId)
    {
        var backend = generation.Name;
        var projects = projectId is { Length: > 0 } ? [ProjectRef.FromString(projectId).Id] : modelStore.Projects(backend);
        var details = projects.SelectMany(p => modelStore.List(backend, p).Select(v => Describe(p, v))).ToList();
        if (details.Count == 0) return new VersionList([generation.CodeVersion], projects.Count == 1 ? projects[0] : null);
        var active = projects.Count == 1 ? modelStore.GetActive(backend, projects[0]) is { } a ? ModelStore.ModelVersionOf(backend, a.VersionName) : null : null;
        return new VersionList(details.Select(d => d.ModelVersion).Distinct().ToList(), projects.Count == 1 ? projects[0] : null, active, details);
    }

    public async Task<ActivationAnswer> ActivateAsync(BackendGeneration generation, string? projectId, string version, CancellationToken cancellationToken)
    {
        var backend = generation.Name;
        var project = ResolveProject(backend, projectId);
        var stored = modelStore.Find(backend, project.Id, version) ?? throw new HttpError(StatusCodes.Status404NotFound,
            $"Project {project.Id} of {backend} has no version '{version}'. Versions: {string.Join(", ", modelStore.List(backend, project.Id).Select(v => v.Name).DefaultIfEmpty("(none)"))}.", backend);
        var previous = modelStore.GetActive(backend, project.Id)?.VersionName;
        var warmUp = annotations.LoadExamples(project.Id, cancellationToken).FirstOrDefault()?.Task;
        var labelConfig = annotations.LoadLabelConfig(project.Id) is { Length: > 0 } xml ? labelConfigs.Get(xml) : null;
        try
        {
            var modelVersion = await activator.ActivateAsync(backend, project, stored, warmUp, labelConfig, cancellationToken);
            return new ActivationAnswer("ok", modelVersion, project.Id, previous is null ? null : ModelStore.ModelVersionOf(backend, previous));
        }
        catch (ModelActivationException ex)
        {
            throw new HttpError(StatusCodes.Status409Conflict, ex.Message, backend);
        }
    }

    public TrainingJobInfo? GetJob(string backend, string jobId) => queue.Find(backend, jobId);

    public TrainingJobInfo? CancelJob(string backend, string jobId) => queue.Cancel(backend, jobId);

    /// <summary>Remembers the config and retrains when its labels differ from those the active version learned.</summary>
    public void OnSetup(string backend, ProjectRef project, SetupRequest request)
    {
        if (request.Schema is not { Length: > 0 } xml) return;
        if (!registry.TryGet(backend, out var slot) || slot.Current?.Trainable is null) return;
        try
        {
            // Label Studio calls /setup before every batch predict: write only what changed.
            if (_lastSetupConfig.TryGetValue((backend, project.Id), out var last) && last == xml) return;
            annotations.SaveLabelConfig(project.Id, xml);
            _lastSetupConfig[(backend, project.Id)] = xml;
            RetrainIfLabelsChanged(backend, project, xml);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // /setup must never fail because of training bookkeeping.
            logger.LogWarning(ex, "Could not check the label config of {Backend}/{Project} for changes", backend, project.Id);
        }
    }

    private string? RetrainIfLabelsChanged(string backend, ProjectRef project, string xml)
    {
        if (!runner.SettingsFor(backend).RetrainOnLabelChange) return null;
        if (modelStore.GetActive(backend, project.Id) is not { } active) return null;
        var trainedWith = modelStore.Find(backend, project.Id, active.VersionName)?.Metadata?.LabelsSignature;
        if (trainedWith is null || !LabelConfig.TryParse(xml, out var config, out _)) return null;
        var now = LabelsSignature.Of(config!);
        if (now == trainedWith) return null;
        // Once per new config: a retrain that fails must not be requested again by every /setup.
        if (_retrainRequestedFor.TryGetValue((backend, project.Id), out var requested) && requested == now) return null;
        _retrainRequestedFor[(backend, project.Id)] = now;
        logger.LogInformation("The labels of {Backend}/{Project} changed since {Version}; retraining", backend, project.Id, active.VersionName);
        return queue.Enqueue(backend, project, "LABEL_CONFIG_CHANGED").Job.Id;
    }

    private TrainingAnswer Queued(string backend, ProjectRef project, string trigger)
    {
        var (job, created) = queue.Enqueue(backend, project, trigger);
        _annotationsSinceJob[(backend, project.Id)] = 0;
        return new TrainingAnswer(StatusCodes.Status201Created, "ok", job.Id,
            created ? $"Training job {job.Id} queued." : $"Joined training job {job.Id}, which has not started yet.");
    }

    private int StoreAnnotations(string backend, ProjectRef project, WebhookEvent webhookEvent)
    {
        var tasks = (webhookEvent.Task ?? []).Concat(webhookEvent.Tasks ?? []).Where(t => t.Id > 0).GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First());
        var items = new List<(LabelStudioTask?, Annotation)>();
        foreach (var annotation in webhookEvent.Annotation ?? [])
        {
            var task = annotation.TaskId is { } id && tasks.TryGetValue(id, out var t) ? t
                : TaskInside(annotation) ?? (tasks.Count == 1 && annotation.TaskId is null ? tasks.Values.First() : null);
            items.Add((task, annotation));
        }
        if (items.Count == 0)
            throw new HttpError(StatusCodes.Status400BadRequest, $"The {webhookEvent.Action} webhook carries no 'annotation'.", backend);
        return Store(backend, () => annotations.Upsert(project.Id, items));
    }

    private static int Store(string backend, Func<int> write)
    {
        try
        {
            return write();
        }
        catch (TrainingDataException ex)
        {
            throw new HttpError(StatusCodes.Status400BadRequest, ex.Message, backend);
        }
    }

    /// <summary>Some payloads nest the whole task in <c>annotation.task</c>.</summary>
    private static LabelStudioTask? TaskInside(Annotation annotation) =>
        annotation.Task is { ValueKind: JsonValueKind.Object } element && element.TryGetProperty("data", out _)
            ? element.Deserialize(SdkJson.Context.LabelStudioTask)
            : null;

    private static ProjectRef? ProjectOfTasks(List<LabelStudioTask>? tasks) => tasks?.Select(t => t.Project).FirstOrDefault(p => p is not null);

    private ProjectRef ResolveProject(string backend, string? projectId)
    {
        if (projectId is { Length: > 0 }) return ProjectRef.FromString(projectId);
        var projects = modelStore.Projects(backend);
        return projects.Count switch
        {
            1 => new ProjectRef(projects[0]),
            0 => throw new HttpError(StatusCodes.Status404NotFound, $"{backend} has no trained project yet.", backend),
            _ => throw new HttpError(StatusCodes.Status400BadRequest,
                $"{backend} has several trained projects ({string.Join(", ", projects)}): name one with ?project=<id>.", backend),
        };
    }

    private static VersionInfo Describe(string projectId, StoredVersion version) => new(version.ModelVersion, version.Name, projectId, version.IsActive,
        version.Metadata?.CreatedAt, version.Metadata?.Examples, version.Metadata?.Job, version.Metadata?.Trigger, version.Metadata?.TrainingSeconds);
}
