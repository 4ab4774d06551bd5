using System.Collections.Concurrent;
using System.Text.Json;
using PluginHost.Backends;
using PluginHost.Http;
using PluginHost.Sdk.Json;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;
using PluginHost.Projects;

namespace PluginHost.Training;

/// <summary>
/// Turns Label Studio's training events into stored annotations and queued jobs, answering at once (Label Studio
/// gives a webhook one second). Also watches <c>/setup</c>: it remembers the label config, and a config whose labels
/// differ from those the active version learned queues a clean retrain.
/// </summary>
public sealed class TrainingService(
    BackendRegistry registry,
    ITrainingQueue queue,
    TrainingJobRunner runner,
    IAnnotationStore annotations,
    IProjectStore projects,
    ModelStore modelStore,
    ModelActivator activator,
    BackendContextFactory contexts,
    ILogger<TrainingService> logger) : ITrainingService, ISetupObserver
{
    // Which config each project's labels were last compared for: /setup comes before every batch predict.
    private readonly ConcurrentDictionary<ProjectKey, string> _labelsCheckedFor = new();

    public async Task<TrainingAnswer> OnWebhookAsync(BackendGeneration generation, WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var backend = generation.Name;
        var action = webhookEvent.Action ?? "";
        var project = webhookEvent.Project ?? ProjectOfTasks(webhookEvent.Task) ?? throw new HttpError(StatusCodes.Status400BadRequest,
            $"The {action} webhook has no 'project'; Label Studio sends the project object with every event.", backend);
        var key = new ProjectKey(backend, project.Id);
        if (project.LabelConfig is { Length: > 0 } xml) await projects.SetAsync(key, ProjectValueNames.LabelConfig, xml, cancellationToken);
        var settings = runner.SettingsFor(backend);

        switch (action)
        {
            case "START_TRAINING":
                return await QueuedAsync(backend, project, action, cancellationToken);

            case "ANNOTATION_CREATED" or "ANNOTATION_UPDATED" or "ANNOTATIONS_CREATED":
            {
                var stored = await StoreAnnotationsAsync(backend, project, webhookEvent, cancellationToken);
                if (settings.EveryNAnnotations <= 0)
                    return new TrainingAnswer(StatusCodes.Status201Created, "ok",
                        Detail: $"Stored {stored} annotation(s); training starts on START_TRAINING (Training:EveryNAnnotations is off).");
                var count = await projects.AddAsync(key, ProjectValueNames.AnnotationsSinceJob, stored, cancellationToken);
                if (count < settings.EveryNAnnotations)
                    return new TrainingAnswer(StatusCodes.Status201Created, "ok",
                        Detail: $"Stored {stored} annotation(s); {count} of {settings.EveryNAnnotations} before the next training.");
                return await QueuedAsync(backend, project, action, cancellationToken);
            }

            case "ANNOTATIONS_DELETED" or "ANNOTATION_DELETED":
            {
                var ids = (webhookEvent.Annotations ?? webhookEvent.Annotation ?? []).Select(a => a.Id).OfType<long>().ToList();
                var deleted = await annotations.DeleteAsync(project.Id, ids, cancellationToken);
                return new TrainingAnswer(StatusCodes.Status200OK, "ok", Detail: $"Removed {deleted} stored annotation(s).");
            }

            case "PROJECT_UPDATED":
                if (settings.TrainOnProjectUpdated) return await QueuedAsync(backend, project, action, cancellationToken);
                if (project.LabelConfig is { Length: > 0 } changed && await RetrainIfLabelsChangedAsync(backend, project, changed, cancellationToken) is { } job)
                    return new TrainingAnswer(StatusCodes.Status201Created, "ok", job, "The label config's labels changed: retraining.");
                return new TrainingAnswer(StatusCodes.Status200OK, "Unknown event",
                    Detail: $"PROJECT_UPDATED does not train {backend} (set Backends:{backend}:Training:TrainOnProjectUpdated to train on it).");

            default:
                return new TrainingAnswer(StatusCodes.Status200OK, "Unknown event", Detail: $"'{action}' does not train {backend}.");
        }
    }

    public async Task<TrainingAnswer> OnTrainRequestAsync(BackendGeneration generation, TrainRequest request, CancellationToken cancellationToken)
    {
        var tasks = request.Annotations ?? throw new HttpError(StatusCodes.Status400BadRequest,
            "The /train request has no 'annotations' list (Label Studio sends every annotated task there).", generation.Name);
        var project = request.Project ?? tasks.Select(t => t.Project).FirstOrDefault(p => p is not null) ?? ProjectRef.Default;
        if (request.LabelConfig is { Length: > 0 } xml)
            await projects.SetAsync(new ProjectKey(generation.Name, project.Id), ProjectValueNames.LabelConfig, xml, cancellationToken);
        var stored = await StoreAsync(generation.Name, () => annotations.ReplaceProjectAsync(project.Id, tasks, cancellationToken));
        var answer = await QueuedAsync(generation.Name, project, "TRAIN", cancellationToken);
        return answer with { Detail = $"Stored {stored} annotation(s) of {tasks.Count} task(s). {answer.Detail}" };
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
        var warmUp = (await annotations.LoadExamplesAsync(project.Id, cancellationToken)).FirstOrDefault()?.Task;
        var labelConfig = contexts.LabelConfigOf(backend, null, await contexts.ProjectAsync(backend, project, cancellationToken));
        try
        {
            var modelVersion = await activator.ActivateAsync(generation, project, stored, warmUp, labelConfig, cancellationToken);
            return new ActivationAnswer("ok", modelVersion, project.Id, previous is null ? null : ModelStore.ModelVersionOf(backend, previous));
        }
        catch (ModelActivationException ex)
        {
            throw new HttpError(StatusCodes.Status409Conflict, ex.Message, backend);
        }
    }

    public ValueTask<TrainingJobInfo?> GetJobAsync(string backend, string jobId, CancellationToken cancellationToken) =>
        queue.FindAsync(backend, jobId, cancellationToken);

    public ValueTask<TrainingJobInfo?> CancelJobAsync(string backend, string jobId, CancellationToken cancellationToken) =>
        queue.CancelAsync(backend, jobId, cancellationToken);

    /// <summary>Retrains when the config's labels differ from those the active version learned (the endpoint stored the config).</summary>
    public async ValueTask OnSetupAsync(string backend, ProjectRef project, SetupRequest request, CancellationToken cancellationToken)
    {
        if (request.Schema is not { Length: > 0 } xml) return;
        if (!registry.TryGet(backend, out var slot) || slot.Current?.Trainable is null) return;
        try
        {
            var key = new ProjectKey(backend, project.Id);
            if (_labelsCheckedFor.TryGetValue(key, out var last) && last == xml) return;
            _labelsCheckedFor[key] = xml;
            await RetrainIfLabelsChangedAsync(backend, project, xml, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // /setup must never fail because of training bookkeeping.
            logger.LogWarning(ex, "Could not check the label config of {Backend}/{Project} for changes", backend, project.Id);
        }
    }

    private async Task<string?> RetrainIfLabelsChangedAsync(string backend, ProjectRef project, string xml, CancellationToken cancellationToken)
    {
        if (!runner.SettingsFor(backend).RetrainOnLabelChange) return null;
        if (modelStore.GetActive(backend, project.Id) is not { } active) return null;
        var trainedWith = modelStore.Find(backend, project.Id, active.VersionName)?.Metadata?.LabelsSignature;
        if (trainedWith is null || !LabelConfig.TryParse(xml, out var config, out _)) return null;
        var now = LabelsSignature.Of(config!);
        if (now == trainedWith) return null;
        // Once per new config: a retrain that fails must not be requested again by every /setup.
        var key = new ProjectKey(backend, project.Id);
        var snapshot = await projects.GetAsync(key, cancellationToken);
        if (snapshot.Get(ProjectValueNames.RetrainRequestedFor) == now) return null;
        await projects.SetAsync(key, ProjectValueNames.RetrainRequestedFor, now, cancellationToken);
        logger.LogInformation("The labels of {Backend}/{Project} changed since {Version}; retraining", backend, project.Id, active.VersionName);
        return (await queue.EnqueueAsync(backend, project, "LABEL_CONFIG_CHANGED", cancellationToken)).JobId;
    }

    private async Task<TrainingAnswer> QueuedAsync(string backend, ProjectRef project, string trigger, CancellationToken cancellationToken)
    {
        var (job, created) = await queue.EnqueueAsync(backend, project, trigger, cancellationToken);
        await projects.SetAsync(new ProjectKey(backend, project.Id), ProjectValueNames.AnnotationsSinceJob, "0", cancellationToken);
        return new TrainingAnswer(StatusCodes.Status201Created, "ok", job,
            created ? $"Training job {job} queued." : $"Joined training job {job}, which has not started yet.");
    }

    private async Task<int> StoreAnnotationsAsync(string backend, ProjectRef project, WebhookEvent webhookEvent, CancellationToken cancellationToken)
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
        return await StoreAsync(backend, () => annotations.UpsertAsync(project.Id, items, cancellationToken));
    }

    private static async Task<int> StoreAsync(string backend, Func<Task<int>> write)
    {
        try
        {
            return await write();
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
