using System.Collections.Concurrent;
using PluginHost.Tests;
using PluginHost.Tests.Shared;
using PluginHost.Tests.Training;
using static PluginHost.Cluster.Tests.ClusterTraining;
using static PluginHost.Tests.Training.TrainingRequests;

namespace PluginHost.Cluster.Tests;

/// <summary>
/// Redis killed and restarted mid-traffic under three real hosts: predictions never fail, every webhook is answered,
/// and every annotation they carried — before, during and after the outage, on any replica — is in the shared store
/// once Redis is back (journaled locally while it was away, replayed on reconnect); a "start training" sent during the
/// outage is journaled too and trains once Redis is back, and every replica ends up serving the new version.
/// </summary>
public sealed class RedisOutageTests : IAsyncLifetime
{
    private const int AnnotationsPerPhase = 15;
    private RedisServer _redis = null!;
    private readonly List<RunningHost> _replicas = [];

    public async Task InitializeAsync()
    {
        // Append-only, as deployed: what Redis acknowledged before the kill is still there after the restart.
        _redis = await RedisServer.StartNewAppendOnlyAsync();
        var modelDir = TempDirs.Create("outage-models");
        for (var i = 0; i < 3; i++) _replicas.Add(await StartReplicaAsync(_redis, modelDir));
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas) await replica.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Redis_killed_and_restarted_mid_traffic_loses_no_annotation_and_fails_no_prediction()
    {
        await PrepareAsync(_replicas[0].PostAsync, trainDelayMs: 0);
        // Every replica has read the project once: from then on its predictions come from memory.
        foreach (var replica in _replicas) Assert.Equal(200, (await replica.PostAsync($"{Backend}/predict", Predict(["warm"]))).Status);

        var predictStatuses = new ConcurrentBag<int>();
        using var stopTraffic = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            for (var i = 0; !stopTraffic.IsCancellationRequested; i++)
                predictStatuses.Add((await _replicas[i % 3].PostAsync($"{Backend}/predict", Predict([$"text {i}"]))).Status);
        });

        var webhookStatuses = new List<int>();
        var nextId = 1_000;
        async Task SendAnnotationsAsync()
        {
            for (var i = 0; i < AnnotationsPerPhase; i++, nextId++)
            {
                var (text, label) = Sentiment[nextId % Sentiment.Length];
                webhookStatuses.Add((await _replicas[nextId % 3].PostAsync($"{Backend}/webhook", AnnotationCreated(nextId, nextId, text, [label]))).Status);
            }
        }

        await SendAnnotationsAsync();
        await _redis.KillAsync();
        await SendAnnotationsAsync();
        // "Start training" while Redis is away is journaled on that replica and queued when Redis is back.
        var (trainStatus, deferred) = await _replicas[1].PostAsync($"{Backend}/webhook", StartTraining());
        Assert.Equal(201, trainStatus);
        Assert.StartsWith("deferred-", deferred["job"]!.GetValue<string>());
        await _redis.StartAsync();
        await SendAnnotationsAsync();
        await WaitForPredictionsAsync(predictStatuses, atLeast: predictStatuses.Count + 30);
        stopTraffic.Cancel();
        await traffic;

        Assert.All(webhookStatuses, status => Assert.Equal(201, status));
        Assert.NotEmpty(predictStatuses);
        Assert.All(predictStatuses, status => Assert.Equal(200, status));

        // The 3 annotations of PrepareAsync plus every webhook's, read from the shared store by each replica.
        var expected = 3 + 3 * AnnotationsPerPhase;
        foreach (var replica in _replicas)
        {
            var store = replica.Get<PluginHost.Training.IAnnotationStore>();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            int count;
            while ((count = await CountAsync(store)) < expected && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Equal(expected, count);
        }
        // The deferred request trained once Redis was back: every replica serves the new version.
        foreach (var replica in _replicas) await ServesAsync(replica.PostAsync, "slowtrainer-v1");
    }

    private static async Task<int> CountAsync(PluginHost.Training.IAnnotationStore store)
    {
        try
        {
            return await store.CountAnnotationsAsync("6", CancellationToken.None);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or PluginHost.Training.AnnotationStoreException)
        {
            return -1; // reconnecting
        }
    }

    /// <summary>Lets the traffic run on after the restart until it has made <paramref name="atLeast"/> calls (15 s at most).</summary>
    private static async Task WaitForPredictionsAsync(ConcurrentBag<int> statuses, int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (statuses.Count < atLeast && DateTime.UtcNow < deadline) await Task.Delay(20);
    }
}
