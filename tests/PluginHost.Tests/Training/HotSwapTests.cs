using System.Collections.Concurrent;
using System.Diagnostics;
using PluginHost.Backends;
using static PluginHost.Tests.Training.TrainingRequests;

namespace PluginHost.Tests.Training;

/// <summary>Model versions swapped under concurrent /predict traffic: no failed request, no response mixing versions,
/// every answer from a version that was active while it ran, and replaced models disposed once drained.</summary>
public sealed class HotSwapTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private sealed record Call(long Start, long End, int Status, IReadOnlyList<string> Versions);

    private sealed record Swap(string Version, long Start, long End);

    [Fact]
    public async Task Predictions_during_twenty_swaps_never_fail_nor_mix_versions()
    {
        await using var host = await TrainingHost.StartAsync(settings: ("Backends:textclassifier:Training:DataSource", "Store"));
        await host.TrainAndWaitAsync("textclassifier", Train(Sentiment));
        await host.TrainAndWaitAsync("textclassifier", Train(Sentiment.Select(s => (s.Text, s.Label == "Positive" ? "Negative" : "Positive"))));
        var models = host.Get<BackendRegistry>().TryGet("textclassifier", out var slot) ? slot.Current!.Models! : throw new InvalidOperationException();

        var clock = Stopwatch.StartNew();
        var swaps = new List<Swap> { new("textclassifier-v2", 0, 0) };
        var calls = new ConcurrentBag<Call>();
        var retired = new List<ModelGeneration>();
        using var stop = new CancellationTokenSource();
        var body = Predict(Sentiment.Take(10).Select(s => s.Text));
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var start = clock.ElapsedTicks;
                using var response = await host.PostJsonAsync("textclassifier/predict", body);
                var json = await RunningHost.ReadJsonAsync(response);
                var versions = (int)response.StatusCode == 200
                    ? TrainingHost.Results(json).Select(r => r["model_version"]!.GetValue<string>()).Distinct().ToList()
                    : [];
                calls.Add(new Call(start, clock.ElapsedTicks, (int)response.StatusCode, versions));
            }
        })).ToList();

        for (var i = 0; i < 24; i++)
        {
            var target = i % 2 == 0 ? "v1" : "v2";
            var before = models.Current["6"];
            var start = clock.ElapsedTicks;
            var (status, answer) = await host.PostAsync($"textclassifier/versions/{target}/activate?project=6", "");
            swaps.Add(new Swap($"textclassifier-{target}", start, clock.ElapsedTicks));
            Assert.Equal(200, status);
            Assert.Equal($"textclassifier-{target}", answer["model_version"]!.GetValue<string>());
            retired.Add(before);
            await Task.Delay(15);
        }
        await Task.Delay(50);
        stop.Cancel();
        await Task.WhenAll(clients);

        output.WriteLine($"{calls.Count} requests during {swaps.Count - 1} swaps: {calls.Count(c => c.Versions[0] == "textclassifier-v1")} answered by v1, "
            + $"{calls.Count(c => c.Versions[0] == "textclassifier-v2")} by v2; swaps took {swaps.Skip(1).Average(s => (s.End - s.Start) * 1000.0 / Stopwatch.Frequency):0.0} ms on average");
        Assert.True(calls.Count > 50, $"only {calls.Count} requests ran");
        Assert.All(calls, c => Assert.Equal(200, c.Status));
        Assert.All(calls, c => Assert.Single(c.Versions));
        foreach (var call in calls)
        {
            // Version k is active from (at the earliest) the start of its activation until (at the latest) the end of the next one.
            var possible = swaps.Where((s, k) => s.Start <= call.End && (k + 1 == swaps.Count || swaps[k + 1].End >= call.Start)).Select(s => s.Version);
            Assert.Contains(call.Versions[0], possible);
        }
        Assert.Contains(calls, c => c.Versions[0] == "textclassifier-v1");
        Assert.Contains(calls, c => c.Versions[0] == "textclassifier-v2");
        // Every replaced model was disposed once its requests finished.
        await Task.WhenAll(retired.Select(m => m.Disposed)).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
