using PluginHost.Tests;
using PluginHost.Tests.Shared;
using PluginHost.Tests.Training;
using static PluginHost.Tests.Training.TrainingRequests;

namespace PluginHost.Cluster.Tests;

/// <summary>Three real hosts on 127.0.0.1 sharing one redis-server and one MODEL_DIR: a version trained on one replica,
/// and a rollback asked of another, are served by all three.</summary>
public sealed class ReplicaVersionTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private readonly List<RunningHost> _replicas = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        var modelDir = TempDirs.Create("shared-models");
        for (var i = 0; i < 3; i++)
            _replicas.Add(await TrainingHost.StartAsync(modelDir, settings:
            [
                ("PluginHost:RedisUrl", _redis.ConnectionString),
                ("Backends:textclassifier:Training:DataSource", "Store"),
            ]));
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas) await replica.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_version_trained_on_one_replica_and_a_rollback_on_another_reach_every_replica()
    {
        var (a, b, c) = (_replicas[0], _replicas[1], _replicas[2]);
        await a.TrainAndWaitAsync("textclassifier", Train(Sentiment));
        await AllServeAsync("textclassifier-v1");

        await a.TrainAndWaitAsync("textclassifier", Train(Sentiment.Select(s => (s.Text, s.Label == "Positive" ? "Negative" : "Positive"))));
        await AllServeAsync("textclassifier-v2");

        var (status, answer) = await b.PostAsync("textclassifier/versions/v1/activate?project=6", "");
        Assert.Equal(200, status);
        Assert.Equal("textclassifier-v1", answer["model_version"]!.GetValue<string>());
        await AllServeAsync("textclassifier-v1");

        // /versions names the same active version on every replica.
        foreach (var replica in new[] { a, b, c })
        {
            var (_, versions) = await replica.GetAsync("textclassifier/versions?project=6");
            Assert.Equal("textclassifier-v1", versions["active"]?.GetValue<string>());
        }
    }

    /// <summary>Polls every replica's /predict until each answers with <paramref name="modelVersion"/> (20 s at most).</summary>
    private async Task AllServeAsync(string modelVersion)
    {
        var body = Predict(Sentiment.Take(3).Select(s => s.Text));
        foreach (var replica in _replicas)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            string? served = null;
            while (served != modelVersion)
            {
                Assert.True(DateTime.UtcNow < deadline, $"replica {replica.BaseAddress} still serves {served} instead of {modelVersion}");
                var (status, json) = await replica.PostAsync("textclassifier/predict", body);
                Assert.Equal(200, status);
                served = TrainingHost.Results(json).Select(r => r["model_version"]!.GetValue<string>()).Distinct().Single();
                if (served != modelVersion) await Task.Delay(25);
            }
        }
    }
}
