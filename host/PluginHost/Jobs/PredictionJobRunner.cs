using PluginHost.Backends;
using PluginHost.Jobs.Checkpoints;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Jobs;

/// <summary>
/// Runs a prediction job from start (or resume) to its end state: finds the Label Studio connection, the project's label
/// config and the backend's model version, runs <see cref="PredictionJobRun"/>, and records how it ended. A failure of
/// Label Studio (bad token, unreachable after the retries) or of the backend fails the job with a readable reason.
/// </summary>
internal sealed class PredictionJobRunner(
    PredictionJobServices services,
    ILabelStudioConnections connections,
    LabelConfigCache labelConfigs,
    ILogger<PredictionJobRunner> logger)
{
    /// <summary>At host start, backends load in the background: a resumed job waits this long for its backend.</summary>
    private static readonly TimeSpan BackendWait = TimeSpan.FromSeconds(60);

    public async Task RunAsync(PredictionJob job, JobProgress progress)
    {
        var cancellationToken = job.CancellationToken;
        services.Metrics.JobStarted();
        try
        {
            await services.Store.SaveAsync(job.Start(), CancellationToken.None);
            var connection = ConnectionFor(job);
            var project = new ProjectRef(job.Project);
            var modelVersion = await WaitForBackendAsync(job.Backend, project, cancellationToken);
            var xml = await services.LabelStudio.GetLabelConfigAsync(connection, job.Project, cancellationToken);
            var labelConfig = xml is { Length: > 0 } ? ParseConfig(xml) : null;
            logger.LogInformation("Prediction job {Job}: {Backend} on project {Project} ({Selection}) at {Url} with {ModelVersion}",
                job.Id, job.Backend, job.Project, job.Record.Selection.Describe(), connection.Url, modelVersion);
            await new PredictionJobRun(job, progress, connection, labelConfig, modelVersion, services).ExecuteAsync();
            await FinishAsync(job, PredictionJobStates.Succeeded, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (job.CancelRequested) await FinishAsync(job, PredictionJobStates.Cancelled, "Cancelled.");
            else await FinishAsync(job, PredictionJobStates.Interrupted, "The host stopped during the job; it resumes at the next start.");
        }
        catch (Exception ex) when (ex is LabelStudioApiException or BackendUnavailableException or JobConfigurationException)
        {
            await FinishAsync(job, PredictionJobStates.Failed, ex.Message);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Prediction job {Job} crashed", job.Id);
            await FinishAsync(job, PredictionJobStates.Failed, $"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            services.Metrics.JobEnded();
        }
    }

    /// <summary>The request's URL and key where given, completed by the configured pair or the project's <c>/setup</c>.</summary>
    private LabelStudioConnection ConnectionFor(PredictionJob job)
    {
        var known = connections.Get(new ProjectRef(job.Project), LabelStudioPrecedence.ConfiguredPairFirst);
        var given = job.Connection;
        var connection = given is null ? known : new LabelStudioConnection(given.Url ?? known.Url, given.ApiKey ?? known.ApiKey)
        {
            ApiKeySource = given.ApiKey is not null ? "the job's api_key" : known.ApiKeySource,
        };
        // The task-data access finds a project's Label Studio in the same registry: a connection given with the job
        // serves the job's media downloads too (as the values of a /setup would).
        if (given is not null && connection.IsComplete) connections.Remember(new ProjectRef(job.Project), connection.Url, connection.ApiKey);
        if (!connection.IsComplete)
            throw new JobConfigurationException("No Label Studio to read tasks from: set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY, pass "
                + "label_studio_url and api_key with the job (--url and --api-key on the command line), or connect the backend in Label Studio "
                + "so that its /setup sends them.");
        return connection;
    }

    private async Task<string> WaitForBackendAsync(string backend, ProjectRef project, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + BackendWait;
        while (true)
        {
            try
            {
                return await services.Predictor.ModelVersionAsync(backend, project, cancellationToken);
            }
            catch (BackendUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    private LabelConfig ParseConfig(string xml)
    {
        try
        {
            return labelConfigs.Get(xml);
        }
        catch (LabelConfigException ex)
        {
            throw new JobConfigurationException($"The project's label config cannot be parsed: {ex.Message}");
        }
    }

    private async Task FinishAsync(PredictionJob job, string state, string? error)
    {
        if (job.Finish(state, error) is not { } record) return;
        try
        {
            await services.Store.SaveAsync(record, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogError(ex, "Could not record the end of job {Job}", job.Id);
        }
        var info = job.Snapshot();
        logger.Log(state == PredictionJobStates.Failed ? LogLevel.Warning : LogLevel.Information,
            "Prediction job {Job} {State}: {Done} predicted, {Skipped} skipped, {Failed} failed{Error}",
            job.Id, state, info.Done, info.Skipped, info.Failed, error is null ? "" : $" ({error})");
    }
}
