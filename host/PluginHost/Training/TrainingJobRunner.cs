using System.Diagnostics;
using PluginHost.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;
using PluginHost.Sdk.Training;
using PluginHost.Projects;
using PluginHost.Training.LabelStudio;

namespace PluginHost.Training;

/// <summary>
/// Runs one job: gathers the project's annotations (pulling from Label Studio when configured), lets the backend
/// train into a staging folder, commits it as the next version, activates it (load, warm-up, swap) and prunes old
/// versions. Any failure leaves the active version untouched and is recorded on the job.
/// </summary>
internal sealed class TrainingJobRunner(
    BackendRegistry registry,
    IAnnotationStore annotations,
    ModelStore modelStore,
    ModelActivator activator,
    IProjectStore projects,
    BackendContextFactory contexts,
    LabelStudioClient labelStudio,
    BackendTrainingOptions trainingOptions,
    ILogger<TrainingJobRunner> logger)
{
    private readonly ILogger _logger = logger;

    public async Task RunAsync(TrainingJob job)
    {
        var settings = trainingOptions.For(job.Backend);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(Math.Max(0.01, settings.TimeoutMinutes)));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(job.CancellationToken, timeout.Token);
        var cancellationToken = linked.Token;
        string? staging = null;
        StoredVersion? committed = null;
        var activated = false;
        // The outcome is recorded only after the clean-up below: whoever sees the job finished sees the disk final.
        Action finish = () => job.Fail("The job ended without an outcome.");
        job.Start();
        _logger.LogInformation("Training job {Job} started for {Backend}/{Project}", job.Id, job.Backend, job.Project.Id);
        try
        {
            if (!registry.TryGet(job.Backend, out var slot) || !slot.TryAcquire(out var lease))
                throw new TrainingDataException($"Backend '{job.Backend}' is not loaded.");
            using (lease)
            {
                var trainable = lease.Generation.Trainable ?? throw new TrainingDataException($"Backend '{job.Backend}' does not train.");
                job.Report("loading data", TrainingProgress.Data.Start);
                var labelConfig = await ResolveLabelConfigAsync(job, cancellationToken);
                await PullAsync(job, settings.DataSource, cancellationToken);
                var examples = await annotations.LoadExamplesAsync(job.Project.Id, cancellationToken);
                if (examples.Count == 0)
                    throw new TrainingDataException($"Project {job.Project.Id} has no annotations to train on (cancelled and skipped ones do not count): annotate tasks, "
                        + "connect Label Studio's webhooks to /webhook, or let the job pull them (LABEL_STUDIO_URL + LABEL_STUDIO_API_KEY).");

                job.Report("training", TrainingProgress.Train.Start, examples.Count);
                staging = modelStore.CreateStaging(job.Backend, job.Project.Id);
                var (training, validation) = ValidationSplit.Of(examples, settings.ValidationFraction, settings.ValidationMinTasks, settings.ValidationSeed);
                var context = await contexts.CreateTrainingContextAsync(job.Backend, job.Project, labelConfig, training, validation, staging,
                    modelStore.GetActive(job.Backend, job.Project.Id)?.Directory, new JobProgress(job), cancellationToken);
                var started = Stopwatch.GetTimestamp();
                await trainable.TrainAsync(context, cancellationToken);
                var trainingSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                cancellationToken.ThrowIfCancellationRequested();
                if (!Directory.EnumerateFileSystemEntries(staging).Any())
                    throw new TrainingDataException($"Backend '{job.Backend}' finished training but wrote nothing to its output folder.");

                job.Report("activating", TrainingProgress.Activate.Start);
                foreach (var curve in context.Report.TruncatedCurves())
                    _logger.LogWarning("{Backend} reported more than {Max} points of curve '{Curve}'; the later ones were dropped", job.Backend,
                        TrainingReport.MaxCurvePoints, curve);
                // version.json goes into the staging folder before the rename: the figures appear with the version or not at all.
                committed = modelStore.Commit(job.Backend, job.Project.Id, staging, new VersionMetadata(job.Backend, job.Project.Id, job.Id,
                    job.Trigger, examples.Count, DateTimeOffset.UtcNow, Math.Round(trainingSeconds, 3), lease.Generation.CodeVersion,
                    LabelsSignature.Of(labelConfig), validation.Count, context.Report.Metrics(), CurvesOf(context.Report)));
                staging = null;
                var modelVersion = await activator.ActivateAsync(lease.Generation, job.Project, committed, examples[0].Task, labelConfig, job.Fence, cancellationToken);
                activated = true;
                var pruned = modelStore.Prune(job.Backend, job.Project.Id, settings.KeepVersions);
                if (pruned.Count > 0) _logger.LogInformation("Pruned {Versions} of {Backend}/{Project}", string.Join(", ", pruned), job.Backend, job.Project.Id);
                finish = () => job.Succeed(modelVersion);
                _logger.LogInformation("Training job {Job} produced {ModelVersion} from {Examples} annotations ({Validation} held out) in {Seconds:0.00} s; {Metrics}",
                    job.Id, modelVersion, examples.Count, validation.Count, trainingSeconds, Describe(context.Report.Metrics()));
            }
        }
        catch (OperationCanceledException) when (job.CancellationToken.IsCancellationRequested)
        {
            finish = () => job.MarkCancelled("Cancelled; the previous model version stays active.");
            _logger.LogInformation("Training job {Job} cancelled", job.Id);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            finish = () => job.Fail($"Timed out after {settings.TimeoutMinutes} minutes (Backends:{job.Backend}:Training:TimeoutMinutes); the previous model version stays active.");
        }
        catch (Exception ex) when (ex is TrainingDataException or LabelConfigException or ClientRequestException or LabelStudioApiException or ModelActivationException or AnnotationStoreException)
        {
            finish = () => job.Fail(ex.Message);
            // The cause (e.g. a backend's exception in the warm-up prediction) with its stack trace, for whoever fixes it.
            _logger.LogWarning(ex.InnerException, "Training job {Job} failed: {Error}", job.Id, ex.Message);
        }
        catch (Exception ex)
        {
            finish = () => job.Fail($"{ex.GetType().Name}: {ex.Message}");
            _logger.LogError(ex, "Training job {Job} of {Backend}/{Project} failed", job.Id, job.Backend, job.Project.Id);
        }
        finally
        {
            if (staging is not null) modelStore.DeleteStaging(staging);
            // A version that never became active (cancelled or failed warm-up) is not kept as a rollback target.
            if (committed is not null && !activated) modelStore.Delete(committed);
            finish();
        }
    }

    private async Task<LabelConfig> ResolveLabelConfigAsync(TrainingJob job, CancellationToken cancellationToken)
    {
        var key = new ProjectKey(job.Backend, job.Project.Id);
        var xml = (await projects.GetAsync(key, cancellationToken)).LabelConfigXml;
        if (xml is null && labelStudio.ConnectionFor(job.Project) is { } connection)
        {
            xml = await labelStudio.GetLabelConfigAsync(connection, job.Project.Id, cancellationToken);
            if (xml is { Length: > 0 }) await projects.SetAsync(key, ProjectValueNames.LabelConfig, xml, cancellationToken);
        }
        if (string.IsNullOrWhiteSpace(xml))
            throw new TrainingDataException($"No label config is known for project {job.Project.Id}: Label Studio sends it with /setup, webhooks (project.label_config) and /train.");
        var project = await projects.GetAsync(key, cancellationToken);
        return contexts.LabelConfigOf(job.Backend, xml, project) ?? throw new TrainingDataException($"No label config is known for project {job.Project.Id}.");
    }

    private async Task PullAsync(TrainingJob job, TrainingDataSource source, CancellationToken cancellationToken)
    {
        if (source == TrainingDataSource.Store) return;
        var connection = labelStudio.ConnectionFor(job.Project);
        if (connection is null)
        {
            if (source == TrainingDataSource.LabelStudio)
                throw new TrainingDataException($"DataSource is LabelStudio but no Label Studio is known for project {job.Project.Id}: "
                    + "set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY, or let Label Studio call /setup (it sends hostname and access_token).");
            return;
        }
        try
        {
            job.Report("pulling annotations from Label Studio", TrainingProgress.Data.Start + 0.02);
            var tasks = await labelStudio.ExportAnnotatedTasksAsync(connection, job.Project.Id, cancellationToken);
            var count = await annotations.ReplaceProjectAsync(job.Project.Id, tasks, cancellationToken);
            _logger.LogInformation("Pulled {Tasks} tasks with {Annotations} annotations of project {Project} from {LabelStudio}",
                tasks.Count, count, job.Project.Id, connection.Url);
        }
        catch (LabelStudioApiException ex) when (source == TrainingDataSource.Auto)
        {
            _logger.LogWarning("Could not pull project {Project} from Label Studio ({Error}); training on the annotations webhooks delivered", job.Project.Id, ex.Message);
        }
    }

    private static string Describe(IReadOnlyDictionary<string, double>? metrics) =>
        metrics is null ? "no metrics reported" : string.Join(", ", metrics.Select(m => $"{m.Key} {m.Value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)}"));

    private static Dictionary<string, IReadOnlyList<CurvePoint>>? CurvesOf(TrainingReport report) =>
        report.Curves()?.ToDictionary(c => c.Key, c => (IReadOnlyList<CurvePoint>)c.Value.Select(p => new CurvePoint(p.Step, p.Value)).ToList(), StringComparer.Ordinal);

    /// <summary>Reports straight to the job (not through <see cref="Progress{T}"/>, which would post to the training thread's queue).</summary>
    private sealed class JobProgress(TrainingJob job) : IProgress<double>
    {
        public void Report(double value) => job.ReportTraining(value);
    }
}
