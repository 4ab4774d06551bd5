using PluginHost.Tests.Shared;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace PluginHost.Tests.Jobs;

/// <summary>Exactly once across a crash: the host process is killed (SIGKILL) in the middle of a 10,000-task job and
/// started again on the same MODEL_DIR; the job resumes on its own and every task ends with exactly one prediction.</summary>
public sealed class JobRestartTests
{
    [Fact]
    public async Task AHostKilledMidJobResumesAndEveryTaskGetsExactlyOnePrediction()
    {
        const int tasks = 10_000;
        await using var fake = await JobKit.StartLabelStudioAsync(tasks);
        // Slow enough that the kill lands mid-job (15 ms per Label Studio call, 100 tasks per import, 2 in flight).
        fake.Delay = TimeSpan.FromMilliseconds(15);
        var settings = new Dictionary<string, string>
        {
            ["PluginHost:ModelDir"] = TempDirs.Create("models"),
            ["TaskData:CacheDirectory"] = TempDirs.Create("task-data"),
            ["PluginHost:PluginsDir"] = PluginFolders.CreatePluginsDir(("textclassifier", PluginFolders.BuiltIn("textclassifier"))),
            ["PluginHost:ScriptsDir"] = TempDirs.Create("scripts"),
            ["PluginHost:DefaultBackend"] = "textclassifier",
            ["PluginHost:LabelStudioUrl"] = fake.Url,
            ["PluginHost:LabelStudioApiKey"] = fake.LegacyToken,
            ["Logging:LogLevel:Default"] = "Warning",
        };

        string id;
        int doneAtKill;
        await using (var first = await HostProcess.StartAsync(HostProcess.HostDll(PluginFolders.RepoRoot), settings, readyPath: "textclassifier/health"))
        {
            using var client = new HttpClient { BaseAddress = first.BaseAddress };
            using var started = await client.PostAsJsonAsync("textclassifier/jobs/predict", new { project = JobKit.Project, batch_size = 100 });
            Assert.Equal(202, (int)started.StatusCode);
            id = (await started.Content.ReadFromJsonAsync<JsonNode>())!["job"]!.GetValue<string>();
            var running = await PollAsync(client, id, j => j.Int("done") >= 2_000, first);
            Assert.Equal("running", running["state"]!.GetValue<string>());
            first.Kill();
            doneAtKill = running.Int("done");
        }
        var storedAtKill = Enumerable.Range(1, tasks).Count(i => fake.PredictionsOf(i).Count > 0);
        Assert.InRange(storedAtKill, doneAtKill, tasks - 1);

        fake.Delay = TimeSpan.Zero;
        await using var second = await HostProcess.StartAsync(HostProcess.HostDll(PluginFolders.RepoRoot), settings, readyPath: "textclassifier/health");
        using var again = new HttpClient { BaseAddress = second.BaseAddress };
        var job = await PollAsync(again, id, j => j["state"]!.GetValue<string>() is "succeeded" or "failed", second);

        Assert.True(job["state"]!.GetValue<string>() == "succeeded", job.ToJsonString());
        Assert.Equal(1, job.Int("resumed"));
        Assert.Equal(tasks, job.Int("done"));
        Assert.Equal(0, job.Int("failed") + job.Int("skipped"));
        JobKit.AssertExactlyOnePredictionEach(fake, tasks, JobKit.ModelVersionOf(job));
    }

    private static async Task<JsonNode> PollAsync(HttpClient client, string id, Func<JsonNode, bool> until, HostProcess host)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            using var response = await client.GetAsync($"textclassifier/jobs/{id}");
            if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<JsonNode>() is { } job && until(job)) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Job {id} never got there.\n{host.Output}");
            await Task.Delay(20);
        }
    }
}
