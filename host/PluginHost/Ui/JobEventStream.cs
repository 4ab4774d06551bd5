using System.Text;
using System.Text.Json;

namespace PluginHost.Ui;

/// <summary>
/// <c>GET /ui/api/events</c>: server-sent events whenever the jobs change (progress included), checked every
/// <see cref="Interval"/>: <c>jobs</c> with the training jobs, <c>predictions</c> with the prediction jobs. A comment line
/// every 15 s keeps proxies from closing the stream.
/// </summary>
internal sealed class JobEventStream(StatusSnapshots snapshots, IHostApplicationLifetime lifetime)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public async Task StreamAsync(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        string? lastJobs = null;
        string? lastPredictions = null;
        var quietSince = DateTime.UtcNow;
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                var jobs = JsonSerializer.Serialize(await snapshots.JobsAsync(stop.Token), StatusJson.Default.IReadOnlyListTrainingJobInfo);
                var predictions = JsonSerializer.Serialize(snapshots.PredictionJobs(), StatusJson.Default.IReadOnlyListPredictionJobInfo);
                var sent = false;
                if (jobs != lastJobs)
                {
                    await context.Response.WriteAsync($"event: jobs\ndata: {jobs}\n\n", Encoding.UTF8, stop.Token);
                    lastJobs = jobs;
                    sent = true;
                }
                if (predictions != lastPredictions)
                {
                    await context.Response.WriteAsync($"event: predictions\ndata: {predictions}\n\n", Encoding.UTF8, stop.Token);
                    lastPredictions = predictions;
                    sent = true;
                }
                if (sent)
                {
                    quietSince = DateTime.UtcNow;
                }
                else if (DateTime.UtcNow - quietSince > KeepAlive)
                {
                    await context.Response.WriteAsync(": keep-alive\n\n", stop.Token);
                    quietSince = DateTime.UtcNow;
                }
                await context.Response.Body.FlushAsync(stop.Token);
            }
            while (await timer.WaitForNextTickAsync(stop.Token));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The page closed or the host stops.
        }
    }
}
