using PluginHost.Bench;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PluginHost;
using PluginHost.Backends;

// Two figures of the plugin folder source, measured on a real host (Kestrel on 127.0.0.1):
//  1. DLL drop -> first successful predict: a plugin folder copied into PLUGINS_DIR until /<route>/predict answers 200.
//  2. Process memory over 20 reloads of a plugin with a private ML.NET (trains a small model on start).
// Usage: dotnet run -c Release --project bench/PluginHost.ReloadBench [-- --drops N --reloads N] >/dev/null
// (the figures go to stderr; stdout carries the build and ML.NET's native training chatter)
var drops = ArgValue(args, "--drops", 10);
var reloads = ArgValue(args, "--reloads", 20);
var repo = RepoFiles.FindRepoRoot();
var versionA = Path.Combine(repo, "artifacts", "test-plugins", "version-a");
var mlnet = Path.Combine(repo, "artifacts", "test-plugins", "mlnet");
var work = Directory.CreateTempSubdirectory("pluginhost-bench-").FullName;
var plugins = Directory.CreateDirectory(Path.Combine(work, "plugins")).FullName;

var app = PluginHostApp.Create([], new Dictionary<string, string?>
{
    ["PluginHost:Host"] = "127.0.0.1",
    ["PluginHost:Port"] = "0",
    ["PluginHost:PluginsDir"] = plugins,
    ["PluginHost:ModelDir"] = Path.Combine(work, "models"),
    ["PluginHost:DefaultBackend"] = "",
    ["Logging:LogLevel:Default"] = "Error",
});
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
using var http = new HttpClient { BaseAddress = new Uri(address + "/") };
var registry = app.Services.GetRequiredService<BackendRegistry>();
// ML.NET's native LDA prints to stdout: the figures are collected and printed to stderr at the end.
var report = new List<string>();

try
{
    report.Add($"PluginHost reload bench ({Environment.ProcessorCount} cores, server GC: {System.Runtime.GCSettings.IsServerGC})");
    await MeasureDropsAsync();
    await MeasureReloadMemoryAsync();
}
finally
{
    await app.StopAsync();
    Directory.Delete(work, recursive: true);
    report.Add("");
    foreach (var line in report) Console.Error.WriteLine(line);
}

async Task MeasureDropsAsync()
{
    var times = new List<double>();
    for (var i = 0; i < drops; i++)
    {
        var route = $"drop{i}";
        var watch = Stopwatch.StartNew();
        RepoFiles.CopyFolder(versionA, Path.Combine(plugins, route));
        while (!await PredictsAsync(route, "{\"tasks\":[{\"id\":1,\"data\":{\"text\":\"x\"}}]}")) await Task.Delay(5);
        times.Add(watch.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    report.Add("");
    report.Add($"1. DLL drop -> first successful predict ({drops} drops of a fresh plugin folder)");
    report.Add($"   median {times[times.Count / 2]:0} ms, min {times[0]:0} ms, max {times[^1]:0} ms   (goal < 2000 ms)");
}

async Task MeasureReloadMemoryAsync()
{
    const string positive = "{\"tasks\":[{\"id\":1,\"data\":{\"text\":\"What a wonderful and great experience\"}}]}";
    var target = Path.Combine(plugins, "mlnet");
    RepoFiles.CopyFolder(mlnet, target);
    var first = Stopwatch.StartNew();
    while (!await PredictsAsync("mlnet", positive)) await Task.Delay(10);
    var firstLoad = first.Elapsed.TotalMilliseconds;
    for (var i = 0; i < 20; i++) await PredictsAsync("mlnet", positive); // warm the request path
    var baseline = Snapshot();

    var reloadTimes = new List<double>();
    var samples = new List<string>();
    for (var i = 1; i <= reloads; i++)
    {
        registry.TryGet("mlnet", out var slot);
        var old = slot.Current!;
        var watch = Stopwatch.StartNew();
        // A rebuild: the same files with new write times.
        File.SetLastWriteTimeUtc(Path.Combine(target, "MlNet.dll"), DateTime.UtcNow.AddSeconds(i));
        while (ReferenceEquals(slot.Current, old)) await Task.Delay(5);
        if (!await PredictsAsync("mlnet", positive)) throw new InvalidOperationException($"reload {i} does not predict");
        reloadTimes.Add(watch.Elapsed.TotalMilliseconds);
        await old.Disposed.WaitAsync(TimeSpan.FromSeconds(30));
        if (i % 5 == 0) samples.Add($"   after {i,2} reloads: {Snapshot()}");
    }
    var after = Snapshot();
    reloadTimes.Sort();

    report.Add("");
    report.Add($"2. {reloads} reloads of a plugin with a private ML.NET (trains a text classifier with LDA topics on start)");
    report.Add($"   first load {firstLoad:0} ms; file change -> new version serving: median {reloadTimes[reloadTimes.Count / 2]:0} ms, max {reloadTimes[^1]:0} ms");
    report.Add($"   baseline          : {baseline}");
    report.AddRange(samples);
    report.Add($"   growth after {reloads} reloads: RSS {(after.Rss - baseline.Rss) / 1048576.0:+0.0;-0.0} MB, managed heap {(after.Managed - baseline.Managed) / 1048576.0:+0.0;-0.0} MB   (goal: flat within 30 MB)");
    report.Add($"   collectible load contexts alive: {after.PluginContexts} ({drops} dropped plugins + the serving mlnet version)");
}

async Task<bool> PredictsAsync(string route, string body)
{
    using var response = await http.PostAsync($"{route}/predict", new StringContent(body, Encoding.UTF8, "application/json"));
    if (!response.IsSuccessStatusCode) return false;
    var json = await response.Content.ReadFromJsonAsync<JsonNode>();
    return json?["results"]?.AsArray().Count == 1;
}

static MemorySnapshot Snapshot()
{
    for (var i = 0; i < 5; i++)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        Thread.Sleep(50);
    }
    using var process = Process.GetCurrentProcess();
    var contexts = AssemblyLoadContext.All.Count(c => c.IsCollectible);
    return new MemorySnapshot(process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: true), contexts);
}


static int ArgValue(string[] args, string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
}


internal sealed record MemorySnapshot(long Rss, long Managed, int PluginContexts)
{
    public override string ToString() => $"RSS {Rss / 1048576.0,6:0.0} MB, managed heap {Managed / 1048576.0,6:0.0} MB, plugin load contexts {PluginContexts}";
}
