using PluginHost.Tests;
using PluginHost.Tests.Shared;
using PluginHost.Tests.Training;
using static PluginHost.Cluster.Tests.ClusterTraining;

namespace PluginHost.Cluster.Tests;

/// <summary>Three real hosts on 127.0.0.1 sharing one redis-server and one MODEL_DIR: one training job per backend+project
/// in the whole cluster, the same job id from every replica, the new version served everywhere, one /health answer.</summary>
public sealed class ClusterTrainingTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private readonly List<RunningHost> _replicas = [];
    private string _modelDir = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _modelDir = TempDirs.Create("shared-models");
        for (var i = 0; i < 3; i++) _replicas.Add(await StartReplicaAsync());
    }

    private Task<RunningHost> StartReplicaAsync() => ClusterTraining.StartReplicaAsync(_redis, _modelDir);

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas) await replica.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task START_TRAINING_sent_to_two_replicas_at_once_is_one_job_and_every_replica_serves_its_version()
    {
        var (a, b, c) = (_replicas[0], _replicas[1], _replicas[2]);
        await PrepareAsync(a.PostAsync, trainDelayMs: 1_500);
        var first = await StartTrainingAsync(c.PostAsync);
        await PollJobAsync(b.GetAsync, first, j => j["state"]!.GetValue<string>() == "running", TimeSpan.FromSeconds(20));

        // While the lane's job runs, a burst on two replicas at once joins one waiting job: the same id from both.
        var burst = await Task.WhenAll(StartTrainingAsync(a.PostAsync), StartTrainingAsync(b.PostAsync), StartTrainingAsync(a.PostAsync));
        Assert.Single(burst.Distinct());
        var second = burst[0];
        Assert.NotEqual(first, second);

        var firstDone = await PollJobAsync(a.GetAsync, first, IsFinished, TimeSpan.FromSeconds(30));
        var secondDone = await PollJobAsync(c.GetAsync, second, IsFinished, TimeSpan.FromSeconds(30));
        Assert.True(firstDone["state"]!.GetValue<string>() == "succeeded", firstDone.ToJsonString());
        Assert.True(secondDone["state"]!.GetValue<string>() == "succeeded", secondDone.ToJsonString());
        Assert.Equal("slowtrainer-v1", firstDone["model_version"]!.GetValue<string>());
        Assert.Equal("slowtrainer-v2", secondDone["model_version"]!.GetValue<string>());
        Assert.Equal(2, secondDone["coalesced_events"]!.GetValue<int>());
        // One job at a time on the lane, across the cluster.
        Assert.True(DateTimeOffset.Parse(secondDone["started_at"]!.GetValue<string>()) >= DateTimeOffset.Parse(firstDone["finished_at"]!.GetValue<string>()));
        // Every replica answers the same record.
        foreach (var replica in _replicas)
            Assert.Equal(secondDone["finished_at"]!.GetValue<string>(), (await replica.GetAsync($"{Backend}/jobs/{second}")).Body["finished_at"]!.GetValue<string>());

        foreach (var replica in _replicas) await ServesAsync(replica.PostAsync, "slowtrainer-v2");
        var versions = Directory.EnumerateDirectories(Path.Combine(_modelDir, Backend, "6")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["v1", "v2"], versions);
    }

    [Fact]
    public async Task Health_lists_the_replicas_the_running_job_and_the_active_versions_the_same_from_every_replica()
    {
        var (a, b, _) = (_replicas[0], _replicas[1], _replicas[2]);
        await PrepareAsync(a.PostAsync, trainDelayMs: 2_000);
        var job = await StartTrainingAsync(b.PostAsync);
        await PollJobAsync(a.GetAsync, job, j => j["state"]!.GetValue<string>() == "running", TimeSpan.FromSeconds(20));

        // While it runs, /health names the replica that runs it (whichever took it), one of the three.
        var (_, during) = await a.GetAsync("health");
        var listed = during["cluster"]!["training_jobs"]!.AsArray().Single(j => j!["job"]!.GetValue<string>() == job)!;
        Assert.Equal("running", listed["state"]!.GetValue<string>());
        Assert.Contains(listed["replica"]!.GetValue<string>(), during["cluster"]!["replicas"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        // Every replica's status page lists it too (the cluster's queue, not only the jobs this replica runs).
        foreach (var replica in _replicas)
        {
            var (_, page) = await replica.GetAsync("ui/api/state");
            Assert.Contains(job, page["jobs"]!.AsArray().Select(j => j!["id"]!.GetValue<string>()));
        }

        await PollJobAsync(a.GetAsync, job, IsFinished, TimeSpan.FromSeconds(20));
        foreach (var replica in _replicas) await ServesAsync(replica.PostAsync, "slowtrainer-v1");

        var answers = new List<string>();
        foreach (var replica in _replicas)
        {
            var (status, health) = await replica.GetAsync("health");
            Assert.Equal(200, status);
            var cluster = health["cluster"]!;
            Assert.Equal("up", cluster["redis"]!.GetValue<string>());
            Assert.True(cluster["ready"]!.GetValue<bool>());
            Assert.Equal(3, cluster["replicas"]!.AsArray().Count);
            Assert.Empty(cluster["training_jobs"]!.AsArray());
            var active = cluster["active_versions"]!.AsArray().Single()!;
            Assert.Equal(("slowtrainer", "6", "slowtrainer-v1"),
                (active["backend"]!.GetValue<string>(), active["project"]!.GetValue<string>(), active["model_version"]!.GetValue<string>()));
            answers.Add(string.Join(",", cluster["replicas"]!.AsArray().Select(r => r!["id"]!.GetValue<string>())) + ";" + active.ToJsonString());
            Assert.Equal(200, (await replica.GetAsync("ready")).Status);
        }
        Assert.Single(answers.Distinct());
    }

    [Fact]
    public async Task A_replica_that_starts_later_is_ready_only_once_it_serves_the_clusters_active_version()
    {
        var a = _replicas[0];
        await PrepareAsync(a.PostAsync, trainDelayMs: 0);
        var job = await StartTrainingAsync(a.PostAsync);
        Assert.Equal("succeeded", (await PollJobAsync(a.GetAsync, job, IsFinished, TimeSpan.FromSeconds(20)))["state"]!.GetValue<string>());

        await using var late = await StartReplicaAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await late.GetAsync("ready")).Status != 200)
        {
            Assert.True(DateTime.UtcNow < deadline, "the late replica never turned ready");
            await Task.Delay(25);
        }
        // Ready means the version is already loaded and swapped in, before any request asked for it.
        Assert.True(late.Get<PluginHost.Backends.BackendRegistry>().TryGet(Backend, out var slot));
        Assert.True(slot.TryAcquire(out var lease));
        using (lease)
            Assert.Equal("slowtrainer-v1", lease.Generation.Models!.Current["6"].ModelVersion);
        var (status, body) = await late.PostAsync($"{Backend}/predict", TrainingRequests.Predict(["fine"]));
        Assert.Equal(200, status);
        Assert.Equal("slowtrainer-v1", body["results"]![0]!["model_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Training_workers_outlive_a_Redis_outage_and_train_once_it_is_back()
    {
        var (a, b, _) = (_replicas[0], _replicas[1], _replicas[2]);
        await _redis.KillAsync();
        await UntilAsync(async () => (await a.GetAsync("health")).Body["cluster"]!["redis"]!.GetValue<string>() == "unreachable", "Redis never seen as unreachable");
        await _redis.StartAsync();
        foreach (var replica in _replicas)
            await UntilAsync(async () => (await replica.GetAsync("health")).Body["cluster"]!["redis"]!.GetValue<string>() == "up", "Redis never seen as back");

        // The restarted server is empty (no persistence in tests): the project is set up again, and trains.
        await PrepareAsync(a.PostAsync, trainDelayMs: 0);
        var job = await StartTrainingAsync(b.PostAsync);
        var done = await PollJobAsync(a.GetAsync, job, IsFinished, TimeSpan.FromSeconds(30));
        Assert.True(done["state"]!.GetValue<string>() == "succeeded", done.ToJsonString());
        foreach (var replica in _replicas) await ServesAsync(replica.PostAsync, "slowtrainer-v1");
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }
}
