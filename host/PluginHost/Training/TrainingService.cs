using System.Collections.Concurrent;
using System.Text.Json;
using PluginHost.Backends;
using PluginHost.Http;
using PluginHost.Projects;
using PluginHost.Sdk.Json;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Training;

/// <summary>
/// Turns Label Studio's training events into stored annotations and queued jobs, answering at once (Label Studio
/// gives a webhook one second: docs/protocol.md §1.6, §6.9). Also watches <c>/setup</c>: a config whose labels differ from those the active version
/// learned queues a clean retrain. Knows nothing of HTTP: refusals are <see cref="ClientRequestException"/>s.
/// </summary>
internal sealed class TrainingService(
    BackendRegistry registry,
    ITrainingQueue queue,
    IAnnotationStore annotations,
    IProjectStore projects,
    ModelStore modelStore,
    BackendTrainingOptions trainingOptions,
    ILogger<TrainingService> logger) : ITrainingService, ISetupObserver
{
    // Which config each project's labels were last compared for: /setup comes before every batch predict.
    private readonly ConcurrentDictionary<ProjectKey, string> _labelsCheckedFor = new();

    public async Task<TrainingAnswer> OnWebhookAsync(BackendGeneration generation, WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var backend = generation.Name;
        var action = webhookEvent.Action ?? "";
        var project = webhookEvent.Project ?? ProjectOfTasks(webhookEvent.Task) ?? throw new ClientRequestException(backend,
            $"The {action} webhook has no 'project'; Label Studio sends the project object with every event.");
        var key = new ProjectKey(backend, project.Id);
        if (project.LabelConfig is { Length: > 0 } xml) await projects.SetAsync(key, ProjectValueNames.LabelConfig, xml, cancellationToken);
        var settings = trainingOptions.For(backend);

        switch (WebhookEvents.Classify(action))
        {
            case WebhookEventKind.StartTraining:
                return await QueuedAsync(backend, project, action, cancellationToken);

            case WebhookEventKind.AnnotationsChanged:
            {
                if (webhookEvent.Annotation is not { Count: > 0 } && webhookEvent.Annotations is not { Count: > 0 })
                    return new TrainingAnswer(TrainingOutcome.Stored, "ok", Detail: $"The {action} webhook carries no 'annotation': nothing stored.");
                var stored = await StoreAnnotationsAsync(backend, project, webhookEvent, cancellationToken);
                if (settings.EveryNAnnotations <= 0)
                    return new TrainingAnswer(TrainingOutcome.Stored, "ok",
                        Detail: $"Stored {stored} annotation(s); training starts on START_TRAINING (Training:EveryNAnnotations is off).");
                var count = await projects.AddAsync(key, ProjectValueNames.AnnotationsSinceJob, stored, cancellationToken);
                if (count < settings.EveryNAnnotations)
                    return new TrainingAnswer(TrainingOutcome.Stored, "ok",
                        Detail: $"Stored {stored} annotation(s); {count} of {settings.EveryNAnnotations} before the next training.");
                return await QueuedAsync(backend, project, action, cancellationToken);
            }

            case WebhookEventKind.AnnotationsDeleted:
            {
                var ids = (webhookEvent.Annotations ?? webhookEvent.Annotation ?? []).Select(a => a.Id).OfType<long>().ToList();
                var deleted = await annotations.DeleteAsync(project.Id, ids, cancellationToken);
                // 201 like the Python SDK's server for its training events (ANNOTATION_DELETED; the bulk event is not one).
                return new TrainingAnswer(WebhookEvents.PythonSdkAnswersCreated(action) ? TrainingOutcome.Acknowledged : TrainingOutcome.Removed, "ok",
                    Detail: $"Removed {deleted} stored annotation(s).");
            }

            case WebhookEventKind.ProjectUpdated:
                if (settings.TrainOnProjectUpdated) return await QueuedAsync(backend, project, action, cancellationToken);
                if (project.LabelConfig is { Length: > 0 } changed && await RetrainIfLabelsChangedAsync(backend, project, changed, cancellationToken) is { } job)
                    return new TrainingAnswer(TrainingOutcome.Queued, "ok", job, "The label config's labels changed: retraining.");
                return new TrainingAnswer(TrainingOutcome.Ignored, "Unknown event",
                    Detail: $"PROJECT_UPDATED does not train {backend} (set Backends:{backend}:Training:TrainOnProjectUpdated to train on it).");

            default:
                return new TrainingAnswer(TrainingOutcome.Ignored, "Unknown event", Detail: $"'{action}' does not train {backend}.");
        }
    }

    public async Task<TrainingAnswer> OnTrainRequestAsync(BackendGeneration generation, TrainRequest request, CancellationToken cancellationToken)
    {
        var tasks = request.Annotations ?? throw new ClientRequestException(generation.Name,
            "The /train request has no 'annotations' list (Label Studio sends every annotated task there).");
        var project = request.Project ?? tasks.Select(t => t.Project).FirstOrDefault(p => p is not null) ?? ProjectRef.Default;
        if (request.LabelConfig is { Length: > 0 } xml)
            await projects.SetAsync(new ProjectKey(generation.Name, project.Id), ProjectValueNames.LabelConfig, xml, cancellationToken);
        var stored = await StoreAsync(generation.Name, () => annotations.ReplaceProjectAsync(project.Id, tasks, cancellationToken));
        var answer = await QueuedAsync(generation.Name, project, "TRAIN", cancellationToken);
        return answer with { Detail = $"Stored {stored} annotation(s) of {tasks.Count} task(s). {answer.Detail}" };
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
        if (!trainingOptions.For(backend).RetrainOnLabelChange) return null;
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
        // Reset only a counter that ran: no write (a Redis round trip in a cluster, impossible during an outage) otherwise.
        var key = new ProjectKey(backend, project.Id);
        if ((await projects.GetAsync(key, cancellationToken)).Counter(ProjectValueNames.AnnotationsSinceJob) != 0)
            await projects.SetAsync(key, ProjectValueNames.AnnotationsSinceJob, "0", cancellationToken);
        return new TrainingAnswer(TrainingOutcome.Queued, "ok", job,
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
            throw new ClientRequestException(backend, $"The {webhookEvent.Action} webhook carries no 'annotation'.");
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
            throw new ClientRequestException(backend, ex.Message, ex);
        }
    }

    /// <summary>Some payloads nest the whole task in <c>annotation.task</c>.</summary>
    private static LabelStudioTask? TaskInside(Annotation annotation) =>
        annotation.Task is { ValueKind: JsonValueKind.Object } element && element.TryGetProperty("data", out _)
            ? element.Deserialize(SdkJson.Context.LabelStudioTask)
            : null;

    private static ProjectRef? ProjectOfTasks(List<LabelStudioTask>? tasks) => tasks?.Select(t => t.Project).FirstOrDefault(p => p is not null);
}
