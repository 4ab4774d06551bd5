using PluginHost.Tests;
using PluginHost.Tests.Training;
using static PluginHost.Tests.Training.TrainingRequests;

namespace PluginHost.Isolation.Tests;

/// <summary>An isolated trainable backend trains in its worker: the job, the new version and its hot swap happen there.</summary>
public sealed class IsolatedTrainingTests
{
    [Fact]
    public async Task An_isolated_backend_trains_in_its_worker_and_serves_the_new_version_through_the_host()
    {
        await using var host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["PluginHost:PluginsDir"] = PluginFolders.CreatePluginsDir(("textclassifier", PluginFolders.BuiltIn("textclassifier"))),
            ["PluginHost:DefaultBackend"] = "textclassifier",
            ["Backends:textclassifier:Isolation"] = "process",
        });
        Assert.Equal("running", (string?)(await IsolatedHost.WorkerAsync(host, "textclassifier"))!["state"]);

        var job = await host.TrainAndWaitAsync("textclassifier", Train(Sentiment));
        Assert.StartsWith("textclassifier-v", job["model_version"]!.GetValue<string>());
        var (status, predicted) = await host.PostAsync("textclassifier/predict", Predict(["I love it, excellent and great"]));
        Assert.Equal(200, status);
        var prediction = TrainingHost.Results(predicted).Single();
        Assert.StartsWith("textclassifier-v", prediction["model_version"]!.GetValue<string>());
        Assert.Equal("Positive", prediction["result"]![0]!["value"]!["choices"]![0]!.GetValue<string>());

        // The host's own training queue never saw the job: it ran in the worker process.
        Assert.Empty(await host.Get<PluginHost.Training.ITrainingQueue>().RecentJobsAsync(CancellationToken.None));
        Assert.True(Directory.Exists(Path.Combine(host.ModelDir, "textclassifier")), "the worker writes the shared MODEL_DIR");
    }
}
