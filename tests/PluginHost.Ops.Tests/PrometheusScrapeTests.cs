using System.Diagnostics.Metrics;
using PluginHost.Tests;
using PluginHost.Tests.Training;
using static PluginHost.Tests.Training.TrainingRequests;

namespace PluginHost.Ops.Tests;

/// <summary>
/// <c>GET /metrics/prometheus</c> on a real host: the text parses strictly, histograms are consistent, and predict
/// calls, a training job, the version swap and a component's own <c>PluginHost.*</c> meter show up with the right counts
/// (measured as differences between two scrapes: meters are process-wide and other tests' hosts record too).
/// </summary>
public sealed class PrometheusScrapeTests
{
    private const string Probe = "metricsprobe";
    private const string Trainer = "slowtrainer";

    [Fact]
    public async Task Scrape_parses_and_counts_predicts_training_swaps_and_component_meters()
    {
        var plugins = PluginFolders.CreatePluginsDir((Probe, PluginFolders.BuiltIn("substring")), (Trainer, PluginFolders.TestPlugin("slowtrainer")));
        await using var host = await RunningHost.StartAsync(new Dictionary<string, string?> { ["PluginHost:PluginsDir"] = plugins, ["PluginHost:DefaultBackend"] = Probe });
        using var componentMeter = new Meter("PluginHost.OpsTest");
        var componentCounter = componentMeter.CreateCounter<long>("pluginhost.opstest.events", "{event}");

        var before = await ScrapeAsync(host);
        for (var i = 0; i < 3; i++)
        {
            var (status, _) = await host.PostAsync($"{Probe}/predict", LabelStudioRequests.Batch(["first text", "second text"]));
            Assert.Equal(200, status);
        }
        Assert.Equal(200, (await host.PostAsync($"{Trainer}/setup", Setup(SentimentConfig))).Status);
        await host.TrainAndWaitAsync(Trainer, Train(Sentiment));
        componentCounter.Add(5);

        var after = await WaitForAsync(host, s =>
            s.Sum("pluginhost_predict_requests_total", ("backend", Probe), ("outcome", "ok")) - before.Sum("pluginhost_predict_requests_total", ("backend", Probe), ("outcome", "ok")) >= 3
            // The job reports its outcome after the swap: wait for the last thing it records.
            && s.Sum("pluginhost_training_duration_seconds_count", ("backend", Trainer)) > before.Sum("pluginhost_training_duration_seconds_count", ("backend", Trainer))
            && s.Sum("pluginhost_opstest_events_total") > 0);

        double Delta(string metric, params (string, string)[] labels) => after.Sum(metric, labels) - before.Sum(metric, labels);
        Assert.Equal(3, Delta("pluginhost_predict_requests_total", ("backend", Probe), ("outcome", "ok")));
        Assert.Equal(6, Delta("pluginhost_predict_tasks_total", ("backend", Probe)));
        Assert.Equal(3, Delta("pluginhost_predict_duration_seconds_count", ("backend", Probe)));
        Assert.Equal("histogram", after.Types["pluginhost_predict_duration_seconds"]);
        Assert.Equal(1, Delta("pluginhost_training_jobs_queued_total", ("backend", Trainer)));
        Assert.Equal(1, Delta("pluginhost_training_jobs_finished_total", ("backend", Trainer), ("outcome", "succeeded")));
        Assert.Equal(1, Delta("pluginhost_training_duration_seconds_count", ("backend", Trainer)));
        Assert.Equal(1, Delta("pluginhost_model_activations_total", ("backend", Trainer), ("outcome", "ok")));
        Assert.Equal(1, Delta("pluginhost_model_load_duration_seconds_count", ("backend", Trainer)));
        Assert.True(after.Sum("pluginhost_backend_load_duration_seconds_count", ("backend", Probe), ("kind", "plugin")) >= 1);
        Assert.Equal(5, after.Sum("pluginhost_opstest_events_total"));
        after.AssertHistogramsConsistent();

        // ASP.NET Core, runtime and process instrumentation.
        Assert.Contains(after.Samples, s => s.Name == "http_server_request_duration_seconds_count");
        Assert.Contains(after.Samples, s => s.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal));
        Assert.Contains(after.Samples, s => s.Name.StartsWith("process_", StringComparison.Ordinal));

        // The Grafana dashboard queries only series the host exports (prediction jobs' series appear once a job ran:
        // their own tests cover them).
        var dashboard = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(PluginFolders.RepoRoot, "deploy", "grafana", "pluginhost.json")))!;
        var expressions = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]?.AsArray() ?? []).Select(t => t!["expr"]!.GetValue<string>()).ToList();
        Assert.True(expressions.Count >= 15);
        var exported = after.Samples.Select(s => s.Name).ToHashSet();
        foreach (var metric in expressions.SelectMany(e => System.Text.RegularExpressions.Regex.Matches(e, @"\b(pluginhost|http_server|process|dotnet)_[a-z_]+\b")).Select(m => m.Value).Where(m => !m.StartsWith("pluginhost_jobs_", StringComparison.Ordinal)).Distinct())
            Assert.True(exported.Contains(metric), $"The dashboard queries {metric}, which the host does not export");

        // Label Studio's /metrics keeps its JSON answer.
        var (jsonStatus, json) = await host.GetAsync($"{Probe}/metrics");
        Assert.Equal(200, jsonStatus);
        Assert.Equal(3, json["predict_calls"]!.GetValue<long>());
    }

    private static async Task<PrometheusText> ScrapeAsync(RunningHost host)
    {
        using var response = await host.Client.GetAsync("metrics/prometheus");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The exporter caches a scrape for a moment: scrape until the condition holds.</summary>
    private static async Task<PrometheusText> WaitForAsync(RunningHost host, Func<PrometheusText, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var scrape = await ScrapeAsync(host);
            if (condition(scrape)) return scrape;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The scrape never showed the recorded metrics.");
            await Task.Delay(100);
        }
    }
}
