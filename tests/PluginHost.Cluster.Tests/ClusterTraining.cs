using System.Text.Json.Nodes;
using PluginHost.Tests;
using PluginHost.Tests.Shared;
using PluginHost.Tests.Training;
using static PluginHost.Tests.Training.TrainingRequests;

namespace PluginHost.Cluster.Tests;

/// <summary>Drives the slow test trainer over HTTP on any replica (the project's state and annotations are shared through Redis).</summary>
internal static class ClusterTraining
{
    public const string Backend = "slowtrainer";

    /// <summary>A replica of the cluster: a real host on <paramref name="redis"/> and the shared <paramref name="modelDir"/>,
    /// serving the slow test trainer from the annotation store.</summary>
    public static Task<RunningHost> StartReplicaAsync(RedisServer redis, string modelDir) => TrainingHost.StartAsync(modelDir, slowTrainer: true, settings:
    [
        ("PluginHost:RedisUrl", redis.ConnectionString),
        ("Backends:slowtrainer:Training:DataSource", "Store"),
    ]);

    public static async Task PrepareAsync(Func<string, string, Task<(int Status, JsonNode Body)>> post, int trainDelayMs)
    {
        Assert.Equal(200, (await post($"{Backend}/setup", Setup(SentimentConfig, extraParams: $$"""{"train_delay_ms":{{trainDelayMs}}}"""))).Status);
        for (var i = 0; i < 3; i++)
            Assert.Equal(201, (await post($"{Backend}/webhook", AnnotationCreated(100 + i, 10 + i, Sentiment[i].Text, [Sentiment[i].Label]))).Status);
    }

    public static async Task<string> StartTrainingAsync(Func<string, string, Task<(int Status, JsonNode Body)>> post)
    {
        var (status, body) = await post($"{Backend}/webhook", StartTraining());
        Assert.Equal(201, status);
        return body["job"]!.GetValue<string>();
    }

    /// <summary>Polls <c>GET /slowtrainer/jobs/&lt;id&gt;</c> until <paramref name="until"/> holds (deadline, then a clear failure).</summary>
    public static async Task<JsonNode> PollJobAsync(Func<string, Task<(int Status, JsonNode Body)>> get, string jobId, Func<JsonNode, bool> until,
        TimeSpan timeout, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var (status, body) = await get($"{Backend}/jobs/{jobId}");
            if (status == 200)
            {
                last = body;
                if (until(body)) return body;
            }
            await Task.Delay(25);
        }
        throw new TimeoutException($"Job {jobId} never got there: {last?.ToJsonString()}\n{context?.Invoke()}");
    }

    public static bool IsFinished(JsonNode job) => job["state"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled";

    /// <summary>Polls a replica's /predict until it answers with <paramref name="modelVersion"/> (20 s at most).</summary>
    public static async Task ServesAsync(Func<string, string, Task<(int Status, JsonNode Body)>> post, string modelVersion)
    {
        var body = Predict(Sentiment.Take(2).Select(s => s.Text));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string? served = null;
        while (served != modelVersion)
        {
            Assert.True(DateTime.UtcNow < deadline, $"still serving {served} instead of {modelVersion}");
            var (status, json) = await post($"{Backend}/predict", body);
            Assert.Equal(200, status);
            served = json["results"]!.AsArray().Select(r => r!["model_version"]?.GetValue<string>()).Distinct().Single();
            if (served != modelVersion) await Task.Delay(25);
        }
    }
}
