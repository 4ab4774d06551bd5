using System.Text.Json.Nodes;

namespace PluginHost.Tests.Training;

/// <summary>Helpers to drive training over HTTP and wait for jobs.</summary>
public static class TrainingHost
{
    /// <summary>
    /// Label Studio gives a webhook 1 s; the host answers in milliseconds (it only records and enqueues). Tests allow 3 s so
    /// a CI machine saturated by parallel test assemblies does not fail them, while any training inside the request (3 s
    /// and up for the smallest model here) still does. Latency itself is measured by the benchmarks, not by tests.
    /// </summary>
    public static readonly TimeSpan WebhookBudget = TimeSpan.FromSeconds(3);

    /// <summary>A host serving the built textclassifier (and, when asked, the slow test trainer) with extra settings.</summary>
    public static Task<RunningHost> StartAsync(string? modelDir = null, bool slowTrainer = false, params (string Key, string? Value)[] settings)
    {
        var plugins = slowTrainer
            ? PluginFolders.CreatePluginsDir(("slowtrainer", PluginFolders.TestPlugin("slowtrainer")))
            : PluginFolders.CreatePluginsDir(("textclassifier", PluginFolders.BuiltIn("textclassifier")));
        var overrides = new Dictionary<string, string?>
        {
            ["PluginHost:PluginsDir"] = plugins,
            ["PluginHost:DefaultBackend"] = slowTrainer ? "slowtrainer" : "textclassifier",
        };
        if (modelDir is not null) overrides["PluginHost:ModelDir"] = modelDir;
        foreach (var (key, value) in settings) overrides[key] = value;
        return RunningHost.StartAsync(overrides);
    }

    /// <summary>Polls <c>GET /&lt;backend&gt;/jobs/&lt;id&gt;</c> until the job finished; returns its last state.</summary>
    public static async Task<JsonNode> WaitForJobAsync(this RunningHost host, string backend, string jobId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var (status, body) = await host.GetAsync($"{backend}/jobs/{jobId}");
            Assert.Equal(200, status);
            if (body["state"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled") return body;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Job {jobId} still {body["state"]} ({body["stage"]}) after the timeout.");
            await Task.Delay(25);
        }
    }

    /// <summary>Waits until the job reached <paramref name="state"/> (e.g. running).</summary>
    public static async Task<JsonNode> WaitForStateAsync(this RunningHost host, string backend, string jobId, string state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var (_, body) = await host.GetAsync($"{backend}/jobs/{jobId}");
            if (body["state"]!.GetValue<string>() == state) return body;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Job {jobId} never reached {state}: {body}");
            await Task.Delay(10);
        }
    }

    /// <summary>Trains through legacy /train and waits: returns the job's final body, asserting it succeeded.</summary>
    public static async Task<JsonNode> TrainAndWaitAsync(this RunningHost host, string backend, string trainBody)
    {
        var (status, answer) = await host.PostAsync($"{backend}/train", trainBody);
        Assert.Equal(201, status);
        var job = await host.WaitForJobAsync(backend, answer["job"]!.GetValue<string>());
        Assert.True(job["state"]!.GetValue<string>() == "succeeded", job.ToJsonString());
        return job;
    }

    /// <summary>Waits until no job runs or waits for the project (the worker releases a lane just after the job reports).</summary>
    public static async Task WaitForIdleLaneAsync(this RunningHost host, string backend, string project)
    {
        var queue = host.Get<PluginHost.Training.TrainingQueue>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (queue.LaneOf(backend, project) != (null, null))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{backend}/{project} still has a job.");
            await Task.Delay(10);
        }
    }

    public static IEnumerable<JsonNode> Results(JsonNode predictBody) => predictBody["results"]!.AsArray().Select(r => r!);

    public static string? FirstChoice(JsonNode result) => result["result"]!.AsArray().FirstOrDefault()?["value"]?["choices"]?[0]?.GetValue<string>();
}
