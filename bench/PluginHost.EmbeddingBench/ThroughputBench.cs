using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Bench;
using PluginHost.TextClassifierBench;

namespace PluginHost.EmbeddingBench;

/// <summary>
/// embeddingclassifier as Label Studio uses it: a real host (Kestrel on 127.0.0.1, the plugin loaded from its folder),
/// trained through /train on 100 Brown Corpus paragraphs, then closed-loop load of 100-task /predict requests of
/// held-out paragraphs (one chunk each, median ~150 tokens) at 2 and 4 clients. The embedding cache is off
/// (CacheEntries = 0), so every task goes through the encoder; a last run with the cache on repeats already-seen texts.
/// The load generator shares the 2 cores with the server.
/// </summary>
public static class ThroughputBench
{
    public static async Task RunAsync(string cache)
    {
        var (train, test) = BrownGenres.Split(await BrownGenres.LoadAsync(cache));
        Console.WriteLine("\n== Over HTTP: 100-task /predict requests (Brown Corpus held-out paragraphs)");
        var bodies = test.Chunk(100).Select(c => HttpBench.PredictBody(c.Select(m => m.Text))).ToList();
        var trainSet = train.Where((_, i) => i % 10 == 0).Take(100).Select(m => m with { Label = m.Label == "News" ? "Spam" : "Ham" }).ToList();
        foreach (var cacheEntries in new[] { 0, 20_000 })
        {
            await using var host = await StartAsync(cacheEntries);
            var watch = Stopwatch.StartNew();
            var job = (await host.PostAsync("embeddingclassifier/train", HttpBench.TrainBody(trainSet)))["job"]!.GetValue<string>();
            await host.WaitForJobAsync(job);
            Console.WriteLine($"cache {(cacheEntries == 0 ? "off" : "on ")}: /train on {trainSet.Count} paragraphs → serving in {watch.Elapsed.TotalSeconds:F1} s");
            foreach (var clients in new[] { 2, 4 })
            {
                var load = await host.LoadAsync(bodies, clients, TimeSpan.FromSeconds(cacheEntries == 0 ? 40 : 10));
                Console.WriteLine($"cache {(cacheEntries == 0 ? "off" : "on ")}, {clients} clients: {load}");
            }
        }
    }

    private static async Task<Host> StartAsync(int cacheEntries)
    {
        var root = RepoFiles.FindRepoRoot();
        var plugins = Path.Combine(Path.GetTempPath(), "pluginhost-bench", "plugins-" + Guid.NewGuid().ToString("N")[..8]);
        RepoFiles.CopyFolder(Path.Combine(root, "artifacts", "plugins", "embeddingclassifier"), Path.Combine(plugins, "embeddingclassifier"));
        var app = PluginHostApp.Create([], new Dictionary<string, string?>
        {
            ["PluginHost:Host"] = "127.0.0.1",
            ["PluginHost:Port"] = "0",
            ["PluginHost:ModelDir"] = Path.Combine(Path.GetTempPath(), "pluginhost-bench", "models-" + Guid.NewGuid().ToString("N")[..8]),
            ["PluginHost:PluginsDir"] = plugins,
            ["PluginHost:MaxRequestBodyBytes"] = (512L * 1024 * 1024).ToString(),
            ["PluginHost:PredictTimeoutSeconds"] = "600",
            ["Backends:embeddingclassifier:Training:DataSource"] = "Store",
            ["Backends:embeddingclassifier:Settings:CacheEntries"] = cacheEntries.ToString(),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Host(app, new Uri(address + "/"));
    }

    private sealed class Host(WebApplication app, Uri address) : IAsyncDisposable
    {
        private readonly HttpClient _client = new() { BaseAddress = address, Timeout = TimeSpan.FromMinutes(10) };

        public async Task<JsonNode> PostAsync(string path, byte[] body)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await _client.PostAsync(path, content);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {text}");
            return JsonNode.Parse(text)!;
        }

        public async Task WaitForJobAsync(string job)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromMinutes(10))
            {
                var info = JsonNode.Parse(await _client.GetStringAsync($"embeddingclassifier/jobs/{job}"))!;
                var state = info["state"]!.GetValue<string>();
                if (state == "succeeded") return;
                if (state is "failed" or "cancelled") throw new InvalidOperationException($"Training {state}: {info.ToJsonString()}");
                await Task.Delay(100);
            }
            throw new TimeoutException("Training did not finish in 10 minutes.");
        }

        public async Task<Load> LoadAsync(IReadOnlyList<byte[]> bodies, int clients, TimeSpan duration)
        {
            var latencies = new ConcurrentBag<double>();
            var failures = 0;
            var next = -1;
            var stop = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                while (stop.Elapsed < duration)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var content = new ByteArrayContent(bodies[Interlocked.Increment(ref next) % bodies.Count]);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await _client.PostAsync("embeddingclassifier/predict", content);
                    await response.Content.CopyToAsync(Stream.Null);
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failures);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            })));
            var elapsed = stop.Elapsed.TotalSeconds;
            var list = latencies.ToList();
            return new Load(list.Count * 100 / elapsed, list.Count / elapsed, Metrics.Percentile(list, 50), Metrics.Percentile(list, 99), failures, elapsed);
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
