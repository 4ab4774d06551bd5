using PluginHost.TextClassifierBench;

namespace PluginHost.EmbeddingBench;

/// <summary>
/// embeddingclassifier as Label Studio uses it: a real host (Kestrel on 127.0.0.1, the plugin loaded from its folder),
/// trained through /train on 100 Brown Corpus paragraphs, then closed-loop load of 100-task /predict requests of
/// held-out paragraphs (one chunk each) at 2 and 4 clients. The embedding cache is off (CacheEntries = 0), so every
/// task goes through the encoder; a last run with the cache on repeats already-seen texts. The load generator shares
/// the 2 cores with the server.
/// </summary>
public static class ThroughputBench
{
    public static async Task RunAsync(string cache)
    {
        var (train, test) = BrownGenres.Split(await BrownGenres.LoadAsync(cache));
        Console.WriteLine("\n== Over HTTP: 100-task /predict requests (Brown Corpus held-out paragraphs)");
        var bodies = test.Chunk(100).Select(c => HttpBench.PredictBody(c.Select(m => m.Text))).ToList();
        // The benchmark's Ham/Spam config: News paragraphs against the rest (the labels do not matter for speed).
        var trainSet = train.Where((_, i) => i % 10 == 0).Take(100).Select(m => m with { Label = m.Label == "News" ? "Spam" : "Ham" }).ToList();
        foreach (var cacheEntries in new[] { 0, 20_000 })
        {
            var cached = cacheEntries == 0 ? "off" : "on ";
            await using var bench = await HttpBench.StartAsync(nice: 19, "embeddingclassifier",
                new Dictionary<string, string?> { ["Backends:embeddingclassifier:Settings:CacheEntries"] = cacheEntries.ToString() });
            var (seconds, version) = await bench.TrainAsync(trainSet);
            Console.WriteLine($"cache {cached}: /train on {trainSet.Count} paragraphs → {version} in {seconds:F1} s (job duration)");
            if (cacheEntries > 0)
            {
                // Every held-out text once (the same 100-task bodies), so the measured window repeats cached texts.
                var warm = System.Diagnostics.Stopwatch.StartNew();
                await bench.EvaluateAsync(test);
                Console.WriteLine($"cache on : {test.Count} held-out paragraphs embedded once in {warm.Elapsed.TotalSeconds:F1} s to fill the cache");
            }
            foreach (var clients in new[] { 2, 4 })
            {
                // CPU time of the whole process (server and load generator): steadier than wall time on a shared machine.
                var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
                var load = await bench.LoadAsync(bodies, 100, clients, TimeSpan.FromSeconds(cacheEntries == 0 ? 40 : 10));
                var cpuSeconds = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
                Console.WriteLine($"cache {cached}, {clients} clients: {load}; {load.TasksPerSecond * load.Seconds / cpuSeconds:F1} tasks per CPU s; "
                    + $"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            }
        }
    }
}
