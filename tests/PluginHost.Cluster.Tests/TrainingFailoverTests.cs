using System.Text;
using System.Text.Json.Nodes;
using PluginHost.Tests;
using PluginHost.Tests.Shared;
using PluginHost.Tests.Training;
using static PluginHost.Cluster.Tests.ClusterTraining;

namespace PluginHost.Cluster.Tests;

/// <summary>Failover: the replica that trains is a separate OS process, killed with SIGKILL mid-fit; another replica takes
/// the job over once the lane's lease expires, re-runs it from the stored annotations and activates its version. What
/// the dead replica had half-written never becomes a version.</summary>
public sealed class TrainingFailoverTests : IAsyncLifetime
{
    private const string LeaseSeconds = "2";
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartNewAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Killing_the_trainer_mid_fit_hands_the_job_to_another_replica_which_finishes_it()
    {
        var modelDir = TempDirs.Create("shared-models");
        await using var trainer = await HostProcess.StartAsync(HostProcess.HostDll(PluginFolders.RepoRoot), new Dictionary<string, string>
        {
            ["PluginHost:ModelDir"] = modelDir,
            ["PluginHost:PluginsDir"] = PluginFolders.CreatePluginsDir(
                ("textclassifier", PluginFolders.BuiltIn("textclassifier")), ("slowtrainer", PluginFolders.TestPlugin("slowtrainer"))),
            ["PluginHost:ScriptsDir"] = TempDirs.Create("scripts"),
            ["PluginHost:RedisUrl"] = _redis.ConnectionString,
            ["PluginHost:Cluster:TrainingLeaseSeconds"] = LeaseSeconds,
            ["Backends:slowtrainer:Training:DataSource"] = "Store",
            ["Logging:LogLevel:Default"] = "Warning",
        }, readyPath: "textclassifier/health");
        using var client = new HttpClient { BaseAddress = trainer.BaseAddress };
        async Task<(int, JsonNode)> PostToTrainer(string path, string json)
        {
            using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
            return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }
        async Task<(int, JsonNode)> GetFromTrainer(string path)
        {
            using var response = await client.GetAsync(path);
            return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }

        await PrepareAsync(PostToTrainer, trainDelayMs: 4_000);
        var job = await StartTrainingAsync(PostToTrainer);
        // Mid-fit: the trainer has written its checkpoint into a staging folder and reported training progress.
        await PollJobAsync(GetFromTrainer, job, j => j["state"]!.GetValue<string>() == "running" && j["progress"]!.GetValue<double>() >= 0.15,
            TimeSpan.FromSeconds(30), () => trainer.Output);

        await using var survivor = await TrainingHost.StartAsync(modelDir, slowTrainer: true, settings:
        [
            ("PluginHost:RedisUrl", _redis.ConnectionString),
            ("PluginHost:Cluster:TrainingLeaseSeconds", LeaseSeconds),
            ("Backends:slowtrainer:Training:DataSource", "Store"),
        ]);
        var (_, health) = await survivor.GetAsync("health");
        var listed = health["cluster"]!["training_jobs"]!.AsArray().Single(j => j!["job"]!.GetValue<string>() == job)!;
        var trainerId = listed["replica"]!.GetValue<string>();
        Assert.NotEqual(health["cluster"]!["answered_by"]!.GetValue<string>(), trainerId);
        var projectDir = Path.Combine(modelDir, Backend, "6");
        Assert.NotEmpty(Directory.EnumerateDirectories(projectDir, ".staging-*"));

        trainer.Kill();

        var done = await PollJobAsync(survivor.GetAsync, job, IsFinished, TimeSpan.FromSeconds(40));
        Assert.True(done["state"]!.GetValue<string>() == "succeeded", done.ToJsonString());
        Assert.Equal("slowtrainer-v1", done["model_version"]!.GetValue<string>());
        await ServesAsync(survivor.PostAsync, "slowtrainer-v1");

        // Only the survivor's complete version exists; the dead trainer's staging folder is gone and never became a version.
        Assert.Equal(["v1"], Directory.EnumerateDirectories(projectDir).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(projectDir, "v1", "model.txt")));
        var (_, after) = await survivor.GetAsync("health");
        Assert.Empty(after["cluster"]!["training_jobs"]!.AsArray());
        Assert.Equal("v1", after["cluster"]!["active_versions"]!.AsArray().Single()!["version"]!.GetValue<string>());
    }
}
