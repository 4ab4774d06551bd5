using static PluginHost.Tests.HotReloadKit;

namespace PluginHost.Tests;

/// <summary>A plugin using ML.NET (managed and native code, shared from the host) reloads cleanly.</summary>
public sealed class NativeReloadTests
{
    private const string Positive = """{"tasks":[{"id":1,"data":{"text":"What a wonderful and great experience"}}]}""";

    [Fact]
    public async Task Reloading_an_ml_net_plugin_keeps_predicting_and_maps_its_native_library_once()
    {
        var (host, dir) = await StartWatchingAsync(plugins: ("mlnet", PluginFolders.TestPlugin("mlnet")));
        await using var _ = host;
        await AssertPositiveAsync(host);

        for (var reload = 1; reload <= 2; reload++)
        {
            var loadedAt = await LoadedAtAsync(host);
            // A rebuild: same files, new write times.
            File.SetLastWriteTimeUtc(Path.Combine(dir, "mlnet", "MlNet.dll"), DateTime.UtcNow.AddSeconds(reload));
            // The plugin trains a model on load: on a saturated CI machine (parallel collections) that can take tens of seconds.
            await WaitUntilAsync(async () => await LoadedAtAsync(host) != loadedAt, TimeSpan.FromSeconds(60), $"reload {reload} is served");
            await AssertPositiveAsync(host);
        }

        // ML.NET (and its native LDA library) is the host's, shared by every version: the process mapped it once, and
        // never from a version's shadow copy (a private copy per version would show one mapping per reload).
        if (OperatingSystem.IsLinux())
        {
            var mapped = File.ReadLines("/proc/self/maps")
                .Where(line => line.Contains("/libLdaNative.so", StringComparison.Ordinal)) // " (deleted)" counts too
                .Select(line => line[line.IndexOf('/')..])
                .Distinct()
                .ToList();
            Assert.Single(mapped);
            Assert.DoesNotContain($"{Path.DirectorySeparatorChar}mlnet-", mapped[0]);
        }
    }

    private static async Task AssertPositiveAsync(RunningHost host)
    {
        var (status, body) = await host.PostAsync("/mlnet/predict", Positive);
        Assert.Equal(200, status);
        Assert.Equal("Positive", Choice(body, "sentiment"));
    }

    private static async Task<string?> LoadedAtAsync(RunningHost host) => (string?)(await host.GetAsync("/mlnet/health")).Body["loaded_at"];
}
