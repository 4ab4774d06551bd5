using System.Text;
using System.Text.Json;
using PluginHost.Http;
using PluginHost.Training;

namespace PluginHost.Jobs.Http;

/// <summary>
/// One jobs surface per backend, for prediction jobs and training jobs alike: <c>POST /jobs/predict</c> starts a
/// prediction job (202 <c>{"job":id}</c>), <c>GET /jobs</c> lists them, <c>GET /jobs/{id}</c> and <c>DELETE /jobs/{id}</c>
/// answer for either kind (prediction job ids start with <c>pj-</c>), and <c>GET /jobs/{id}/events</c> streams progress
/// as server-sent events until the job ends.
/// </summary>
internal sealed class JobEndpoints(PredictionJobs jobs, BackendEndpoints backends, ITrainingService training)
{
    private static readonly TimeSpan EventInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public async Task StartPredictionAsync(HttpContext context)
    {
        var backend = backends.FindSlot(context).Name;
        PredictionJobRequest request;
        try
        {
            request = context.Request.ContentLength == 0
                ? new PredictionJobRequest()
                : await JsonSerializer.DeserializeAsync(context.Request.Body, JobsJson.Default.PredictionJobRequest, context.RequestAborted)
                  ?? throw new HttpError(StatusCodes.Status400BadRequest, "The body is JSON null; a JSON object is expected.", backend);
        }
        catch (JsonException ex)
        {
            throw new HttpError(StatusCodes.Status400BadRequest, $"Malformed JSON: {ex.Message}", backend);
        }
        PredictionJob job;
        try
        {
            job = await jobs.StartAsync(backend, request, context.RequestAborted);
        }
        catch (JobRequestException ex)
        {
            throw new HttpError(ex.Status, ex.Message, backend);
        }
        var url = $"{context.Request.PathBase}/{job.Backend}/jobs/{job.Id}";
        context.Response.Headers.Location = url;
        await WriteAsync(context, StatusCodes.Status202Accepted, new JobStarted(job.Id, job.State, url, url + "/events"), JobsJson.Default.JobStarted);
    }

    public Task ListAsync(HttpContext context)
    {
        var backend = backends.FindSlot(context).Name;
        var list = jobs.All.Where(j => j.Backend.Equals(backend, StringComparison.OrdinalIgnoreCase)).Select(j => j.Snapshot()).ToList();
        return WriteAsync(context, StatusCodes.Status200OK, new JobList(list), JobsJson.Default.JobList);
    }

    public async Task GetAsync(HttpContext context)
    {
        if (await FindPredictionJobAsync(context) is { } job)
            await WriteAsync(context, StatusCodes.Status200OK, job.Snapshot(), JobsJson.Default.PredictionJobInfo);
        else await backends.JobAsync(context);
    }

    public async Task CancelAsync(HttpContext context)
    {
        var backend = backends.FindSlot(context).Name;
        var id = (string)context.Request.RouteValues["id"]!;
        if (!id.StartsWith("pj-", StringComparison.Ordinal))
        {
            await backends.CancelJobAsync(context);
            return;
        }
        var job = await jobs.CancelAsync(backend, id, context.RequestAborted)
            ?? throw new HttpError(StatusCodes.Status404NotFound, $"Backend '{backend}' has no job '{id}'.", backend);
        await WriteAsync(context, job.IsFinished ? StatusCodes.Status200OK : StatusCodes.Status202Accepted, job.Snapshot(), JobsJson.Default.PredictionJobInfo);
    }

    /// <summary><c>text/event-stream</c>: a <c>progress</c> event on every change (at most every 250 ms), then <c>end</c>.</summary>
    public async Task EventsAsync(HttpContext context)
    {
        var backend = backends.FindSlot(context).Name;
        var id = (string)context.Request.RouteValues["id"]!;
        var prediction = await FindPredictionJobAsync(context);
        if (prediction is null && await training.GetJobAsync(backend, id, context.RequestAborted) is null)
            throw new HttpError(StatusCodes.Status404NotFound, $"Backend '{backend}' has no job '{id}'.", backend);

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var aborted = context.RequestAborted;
        string? last = null;
        var lastWrite = DateTime.UtcNow;
        try
        {
            while (!aborted.IsCancellationRequested)
            {
                var seen = prediction?.Version ?? 0;
                var (json, finished) = prediction is not null
                    ? (JsonSerializer.Serialize(prediction.Snapshot(), JobsJson.Default.PredictionJobInfo), prediction.IsFinished)
                    : await TrainingSnapshotAsync(backend, id, aborted);
                if (json != last || DateTime.UtcNow - lastWrite > Heartbeat)
                {
                    await SendAsync(response, finished ? "end" : "progress", json, aborted);
                    last = json;
                    lastWrite = DateTime.UtcNow;
                }
                if (finished) return;
                await Task.Delay(EventInterval, aborted);
                if (prediction is not null)
                {
                    // Sleep until something changes, but wake for the heartbeat.
                    try
                    {
                        await prediction.WaitForChangeAsync(seen, aborted).WaitAsync(Heartbeat, aborted);
                    }
                    catch (TimeoutException)
                    {
                    }
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client closed the stream.
        }
    }

    private async ValueTask<(string Json, bool Finished)> TrainingSnapshotAsync(string backend, string id, CancellationToken cancellationToken)
    {
        var info = await training.GetJobAsync(backend, id, cancellationToken);
        return info is null
            ? ("{}", true)
            : (JsonSerializer.Serialize(info, HostJson.Info<TrainingJobInfo>()), TrainingJobStates.IsFinished(info.State));
    }

    private async Task<PredictionJob?> FindPredictionJobAsync(HttpContext context)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        if (!id.StartsWith("pj-", StringComparison.Ordinal)) return null;
        var backend = backends.FindSlot(context).Name;
        return await jobs.FindAsync(backend, id, context.RequestAborted)
            ?? throw new HttpError(StatusCodes.Status404NotFound, $"Backend '{backend}' has no job '{id}'.", backend);
    }

    private static async Task SendAsync(HttpResponse response, string eventName, string json, CancellationToken cancellationToken)
    {
        await response.WriteAsync($"event: {eventName}\ndata: {json}\n\n", Encoding.UTF8, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static Task WriteAsync<T>(HttpContext context, int status, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, body, info, context.RequestAborted);
    }
}
