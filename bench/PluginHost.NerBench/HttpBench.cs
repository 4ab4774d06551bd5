using PluginHost.Bench;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Plugins.Ner.Evaluation;
using PluginHost.Plugins.Ner.Training;

namespace PluginHost.NerBench;

/// <summary>
/// The NER backend as Label Studio uses it: a real host in this process (Kestrel on 127.0.0.1, <c>ner</c> loaded from a
/// copy of artifacts/plugins/ner, a temporary MODEL_DIR), trained through <c>ANNOTATIONS_CREATED</c> webhooks and
/// <c>START_TRAINING</c>, then held-out F1 and closed-loop throughput of 100-task <c>/predict</c> batches. The load
/// generator shares the machine's cores with the server.
/// </summary>
internal sealed class HttpBench : IAsyncDisposable
{
    public const string LabelConfig = """<View><Labels name="label" toName="text"><Label value="PER"/><Label value="ORG"/><Label value="LOC"/></Labels><Text name="text" value="$text"/></View>""";
    private const string Project = "6.1710967805";

    private readonly WebApplication _app;
    private readonly HttpClient _client;
    private readonly string _root;

    private HttpBench(WebApplication app, Uri baseAddress, string root)
    {
        _app = app;
        _root = root;
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(5),
        };
    }

    /// <summary>The whole run: train over HTTP, score the held-out texts, then load at each concurrency.</summary>
    public static async Task RunAsync(IReadOnlyList<AnnotatedText> train, IReadOnlyList<AnnotatedText> test, double seconds)
    {
        Console.WriteLine($"## Over HTTP (host in this process; {(GCSettings.IsServerGC ? "server" : "workstation")} GC, "
                          + $"{(GCSettings.IsServerGC ? "as" : "unlike")} the host's own runtimeconfig)");
        await using var bench = await StartAsync();
        var (version, jobSeconds, webhookSeconds) = await bench.TrainAsync(train);
        Console.WriteLine($"{train.Count} annotations through ANNOTATIONS_CREATED webhooks in {webhookSeconds:F2} s; START_TRAINING job → {version} "
                          + $"in {jobSeconds:F1} s (job duration: load data, train, save, load, warm-up)");

        var bodies = test.Chunk(100).Where(c => c.Length == 100).Select(c => PredictBody(c.Select(t => t.Text))).ToList();
        if (bodies.Count == 0) throw new ArgumentException("--http needs at least 100 test texts (--test).");
        var (scores, spansPerBody) = await bench.EvaluateAsync(test, bodies, version);
        Console.WriteLine($"Held-out through /predict: {scores} (exact offsets and label)");
        Console.WriteLine($"{bodies.Count} distinct 100-task bodies, {bodies.Average(b => b.Length) / 1024:F0} KiB each, "
                          + $"{spansPerBody.Average():F0} spans per response on average");

        Console.WriteLine("| clients | tasks/s | spans/s | requests/s | p50 ms | p99 ms | failures |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var clients in new[] { 2, 4, 8 })
        {
            await bench.LoadAsync(bodies, spansPerBody, clients, TimeSpan.FromSeconds(1));
            var load = await bench.LoadAsync(bodies, spansPerBody, clients, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"| {clients} | {load.TasksPerSecond:N0} | {load.SpansPerSecond:N0} | {load.RequestsPerSecond:N0} | "
                              + $"{load.P50Ms:F1} | {load.P99Ms:F1} | {load.Failures} |");
        }
    }

    private static async Task<HttpBench> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "pluginhost-nerbench-" + Guid.NewGuid().ToString("N")[..8]);
        var plugins = Path.Combine(root, "plugins");
        RepoFiles.CopyFolder(Path.Combine(RepoFiles.FindRepoRoot(), "artifacts", "plugins", "ner"), Path.Combine(plugins, "ner"));
        var app = PluginHostApp.Create([], new Dictionary<string, string?>
        {
            ["PluginHost:Host"] = "127.0.0.1",
            ["PluginHost:Port"] = "0",
            ["PluginHost:ModelDir"] = Path.Combine(root, "models"),
            ["PluginHost:PluginsDir"] = plugins,
            ["PluginHost:ScriptsDir"] = Directory.CreateDirectory(Path.Combine(root, "scripts")).FullName,
            ["PluginHost:DefaultBackend"] = "ner",
            ["Backends:ner:Training:DataSource"] = "Store",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning",
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpBench(app, new Uri(address + "/"), root);
    }

    /// <summary>/setup, annotations in 500-annotation ANNOTATIONS_CREATED webhooks, START_TRAINING, poll the job.</summary>
    private async Task<(string Version, double JobSeconds, double WebhookSeconds)> TrainAsync(IReadOnlyList<AnnotatedText> train)
    {
        await PostAsync("ner/setup", JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["project"] = Project, ["schema"] = LabelConfig, ["hostname"] = "http://127.0.0.1:9", ["access_token"] = "none", ["extra_params"] = null,
        }));
        var watch = Stopwatch.StartNew();
        for (var first = 0; first < train.Count; first += 500)
            await PostAsync("ner/webhook", AnnotationsCreated(train, first, Math.Min(500, train.Count - first)));
        var webhookSeconds = watch.Elapsed.TotalSeconds;
        var answer = await PostAsync("ner/webhook", JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["action"] = "START_TRAINING", ["project"] = ProjectObject() }));
        var job = answer["job"]!.GetValue<string>();
        while (true)
        {
            var info = JsonNode.Parse(await _client.GetStringAsync($"ner/jobs/{job}"))!;
            switch (info["state"]!.GetValue<string>())
            {
                case "succeeded": return (info["model_version"]!.GetValue<string>(), info["duration_seconds"]!.GetValue<double>(), webhookSeconds);
                case "failed" or "cancelled": throw new InvalidOperationException($"Training did not succeed: {info.ToJsonString()}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Entity scores over the whole test set, and the span count of each load body's response.</summary>
    private async Task<(EntityScores Scores, int[] SpansPerBody)> EvaluateAsync(IReadOnlyList<AnnotatedText> test, IReadOnlyList<byte[]> bodies, string version)
    {
        var predicted = new List<IReadOnlyList<CharSpan>>();
        foreach (var chunk in test.Chunk(100))
            predicted.AddRange((await PredictAsync(PredictBody(chunk.Select(t => t.Text)), version)).Select(r => Spans(r)));
        var spans = new int[bodies.Count];
        for (var i = 0; i < bodies.Count; i++) spans[i] = (await PredictAsync(bodies[i], version)).Sum(r => r["result"]!.AsArray().Count);
        return (EntityScores.Score(test.Select(t => t.Spans).ToList(), predicted), spans);
    }

    private async Task<List<JsonNode>> PredictAsync(byte[] body, string version)
    {
        var results = (await PostAsync("ner/predict", body))["results"]!.AsArray().Select(r => r!).ToList();
        if (results.Any(r => r["model_version"]!.GetValue<string>() != version))
            throw new InvalidOperationException($"A prediction did not carry {version}.");
        return results;
    }

    private static List<CharSpan> Spans(JsonNode result) => result["result"]!.AsArray()
        .Select(r => r!["value"]!)
        .Select(v => new CharSpan(v["start"]!.GetValue<int>(), v["end"]!.GetValue<int>(), v["labels"]![0]!.GetValue<string>()))
        .ToList();

    /// <summary>Closed loop: <paramref name="clients"/> senders, each posting the next body as soon as the last answered.</summary>
    private async Task<Load> LoadAsync(IReadOnlyList<byte[]> bodies, int[] spansPerBody, int clients, TimeSpan duration)
    {
        var latencies = new ConcurrentBag<double>();
        long spans = 0, requests = 0;
        var failures = 0;
        var stop = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            for (var i = c; stop.Elapsed < duration; i++)
            {
                var index = i % bodies.Count;
                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(bodies[index]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await _client.PostAsync("ner/predict", content);
                await response.Content.CopyToAsync(Stream.Null);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                    continue;
                }
                Interlocked.Increment(ref requests);
                Interlocked.Add(ref spans, spansPerBody[index]);
            }
        })).ToList();
        await Task.WhenAll(workers);
        var elapsed = stop.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToList();
        return new Load(requests * 100 / elapsed, spans / elapsed, requests / elapsed, Percentile(sorted, 50), Percentile(sorted, 99), failures);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>A batch /predict body as Label Studio sends it (TaskSimpleSerializer tasks, context null).</summary>
    private static byte[] PredictBody(IEnumerable<string> texts) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["tasks"] = new JsonArray(texts.Select((text, i) => (JsonNode)new JsonObject
        {
            ["id"] = 100_000 + i, ["data"] = new JsonObject { ["text"] = text }, ["meta"] = new JsonObject(), ["is_labeled"] = false,
            ["project"] = 6, ["annotations"] = new JsonArray(), ["predictions"] = new JsonArray(),
        }).ToArray()),
        ["project"] = Project,
        ["label_config"] = LabelConfig,
        ["params"] = new JsonObject { ["login"] = null, ["password"] = null, ["context"] = null },
    });

    /// <summary>ANNOTATIONS_CREATED as Label Studio sends it on import: lists under <c>annotation</c> and <c>task</c>.</summary>
    private static byte[] AnnotationsCreated(IReadOnlyList<AnnotatedText> texts, int first, int count)
    {
        var annotations = new JsonArray();
        var tasks = new JsonArray();
        for (var i = first; i < first + count; i++)
        {
            var text = texts[i];
            annotations.Add(new JsonObject
            {
                ["id"] = 10_000 + i, ["task"] = 1 + i, ["project"] = 6, ["completed_by"] = 1, ["was_cancelled"] = false, ["ground_truth"] = false,
                ["result"] = new JsonArray(text.Spans.Select((s, r) => (JsonNode)new JsonObject
                {
                    ["id"] = $"a{i}r{r}", ["from_name"] = "label", ["to_name"] = "text", ["type"] = "labels", ["origin"] = "manual",
                    ["value"] = new JsonObject { ["start"] = s.Start, ["end"] = s.End, ["text"] = text.Text[s.Start..s.End], ["labels"] = new JsonArray(s.Label) },
                }).ToArray()),
            });
            tasks.Add(new JsonObject { ["id"] = 1 + i, ["data"] = new JsonObject { ["text"] = text.Text }, ["meta"] = new JsonObject(), ["project"] = 6 });
        }
        return JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["action"] = "ANNOTATIONS_CREATED", ["annotation"] = annotations, ["task"] = tasks, ["project"] = ProjectObject(),
        });
    }

    private static JsonObject ProjectObject() => new() { ["id"] = 6, ["title"] = "NER bench", ["label_config"] = LabelConfig };

    private async Task<JsonNode> PostAsync(string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }



    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private sealed record Load(double TasksPerSecond, double SpansPerSecond, double RequestsPerSecond, double P50Ms, double P99Ms, int Failures);

}
