using System.Collections.Concurrent;
using System.Diagnostics;
using static PluginHost.Tests.HotReloadKit;

namespace PluginHost.Tests;

/// <summary>Plugin folders change under a running host: added, replaced, corrupted, removed.</summary>
public sealed class HotReloadTests
{
    [Fact]
    public async Task A_plugin_copied_into_the_plugins_dir_is_served_within_a_few_seconds()
    {
        var (host, dir) = await StartWatchingAsync();
        await using var _ = host;
        var (before, missing) = await host.PostAsync($"/{Route}/predict", PredictBody());
        Assert.Equal(404, before);
        Assert.Contains($"Unknown backend '{Route}'", (string?)missing["detail"]);

        var dropped = Stopwatch.StartNew();
        Replace(VersionA, dir, Route);
        await WaitForBuildAsync(host, Route, "A");

        Assert.InRange(dropped.Elapsed.TotalSeconds, 0, 5);
        var (status, health) = await host.GetAsync($"/{Route}/health");
        Assert.Equal(200, status);
        Assert.Equal("ready", (string?)health["state"]);
        Assert.Equal($"{Route}-1.0.0", (string?)health["model_version"]);
        Assert.Equal(Path.Combine(dir, Route), (string?)health["origin"]);
    }

    [Fact]
    public async Task Replacing_the_plugin_switches_behaviour_and_a_burst_of_requests_across_the_swap_sees_no_failure()
    {
        var (host, dir) = await StartWatchingAsync(plugins: (Route, VersionA));
        await using var _ = host;
        await WaitForBuildAsync(host, Route, "A");

        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var builds = new ConcurrentDictionary<string, int>();
        var requests = 0;
        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Each request stays 20 ms in the backend, so some are always in flight when the swap happens.
                var (status, body) = await host.PostAsync($"/{Route}/predict", PredictBody(delayMs: 20));
                Interlocked.Increment(ref requests);
                if (status != 200) failures.Enqueue($"{status}: {body.ToJsonString()}");
                else builds.AddOrUpdate(Choice(body, "build") ?? "?", 1, (_, n) => n + 1);
            }
        })).ToList();

        await Task.Delay(300);
        Replace(VersionB, dir, Route);
        await WaitForBuildAsync(host, Route, "B");
        await Task.Delay(300); // keep the burst going on the new version for a moment
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Empty(failures);
        Assert.True(builds.GetValueOrDefault("A") > 0 && builds.GetValueOrDefault("B") > 0, $"builds seen: {string.Join(", ", builds)}");
        Assert.Equal(["A", "B"], builds.Keys.Order());
        Assert.True(requests > 50, $"only {requests} requests ran across the swap");
        var (_, health) = await host.GetAsync($"/{Route}/health");
        Assert.Equal($"{Route}-2.0.0", (string?)health["model_version"]);
    }

    [Fact]
    public async Task A_corrupt_dll_is_reported_and_the_last_good_version_keeps_serving_until_a_good_build_arrives()
    {
        var (host, dir) = await StartWatchingAsync(plugins: (Route, VersionA));
        await using var _ = host;
        await WaitForBuildAsync(host, Route, "A");

        await File.WriteAllBytesAsync(Path.Combine(dir, Route, "Versioned.dll"), "MZ this is not a valid assembly"u8.ToArray());
        await WaitUntilAsync(async () =>
        {
            var (_, health) = await host.GetAsync($"/{Route}/health");
            return (string?)health["state"] == "failed";
        }, TimeSpan.FromSeconds(15), "the corrupt DLL is reported");

        var (status, health) = await host.GetAsync($"/{Route}/health");
        Assert.Equal(200, status); // still serving: the last good version
        Assert.Contains("Versioned.dll", (string?)health["error"]);
        Assert.Contains("BadImageFormatException", (string?)health["error"]);
        var (_, hostHealth) = await host.GetAsync("/health");
        var listed = hostHealth["backends"]!.AsArray().Single(b => (string?)b!["name"] == Route)!;
        Assert.Equal("failed", (string?)listed["state"]);
        var (predictStatus, body) = await host.PostAsync($"/{Route}/predict", PredictBody());
        Assert.Equal(200, predictStatus);
        Assert.Equal("A", Choice(body, "build"));

        Replace(VersionB, dir, Route);
        await WaitForBuildAsync(host, Route, "B");
        var (_, recovered) = await host.GetAsync($"/{Route}/health");
        Assert.Equal("ready", (string?)recovered["state"]);
        Assert.Null(recovered["error"]);
    }

    [Fact]
    public async Task A_plugin_that_never_loaded_answers_503_json_naming_the_problem()
    {
        var (host, dir) = await StartWatchingAsync();
        await using var _ = host;
        Directory.CreateDirectory(Path.Combine(dir, "empty-build"));
        await File.WriteAllTextAsync(Path.Combine(dir, "empty-build", "readme.txt"), "no assembly here");

        // 503 means "still loading" at first; wait for the load failure itself to be reported.
        await WaitUntilAsync(async () => (string?)(await host.GetAsync("/empty-build/health")).Body["detail"] is { } detail && detail.Contains("No plugin assembly"),
            TimeSpan.FromSeconds(15), "the folder's load failure is reported");
        var (status, body) = await host.PostAsync("/empty-build/predict", PredictBody());
        Assert.Equal(503, status);
        Assert.Contains("No plugin assembly", (string?)body["detail"]);
        Assert.Equal("empty-build", (string?)body["backend"]);
    }

    [Fact]
    public async Task Removing_the_folder_removes_the_route()
    {
        var (host, dir) = await StartWatchingAsync(plugins: (Route, VersionA));
        await using var _ = host;
        await WaitForBuildAsync(host, Route, "A");

        Directory.Delete(Path.Combine(dir, Route), recursive: true);
        await WaitUntilAsync(async () => (await host.PostAsync($"/{Route}/predict", PredictBody())).Status == 404, TimeSpan.FromSeconds(15), "the route is gone");
        var (status, body) = await host.PostAsync($"/{Route}/predict", PredictBody());
        Assert.Equal(404, status);
        Assert.Contains($"Unknown backend '{Route}'", (string?)body["detail"]);
        var (_, health) = await host.GetAsync("/health");
        Assert.DoesNotContain(health["backends"]!.AsArray(), b => (string?)b!["name"] == Route);
    }
}
