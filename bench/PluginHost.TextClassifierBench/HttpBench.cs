using PluginHost.Bench;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace PluginHost.TextClassifierBench;

/// <summary>
/// The classifier as Label Studio uses it: a real host (Kestrel on 127.0.0.1, textclassifier loaded from its plugin
/// folder) trained through legacy <c>/train</c>, then held-out accuracy through <c>/predict</c>, throughput of
/// 100-task batches, and predict latency while a training job runs (at the configured nice value and at nice 0).
/// The load generator runs in the same process, sharing the 2 cores with the server.
/// </summary>
public sealed class HttpBench : IAsyncDisposable
{
    public const string LabelConfig = """<View><Text name="text" value="$text"/><Choices name="label" toName="text"><Choice value="Ham"/><Choice value="Spam"/></Choices></View>""";

    private readonly WebApplication _app;
    private readonly HttpClient _client;
    private readonly string _route;

    private readonly string[] _temporaryFolders;

    private HttpBench(WebApplication app, Uri baseAddress, string route, params string[] temporaryFolders)
    {
        _app = app;
        _route = route;
        _temporaryFolders = temporaryFolders;
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromMinutes(5),
        };
    }

    /// <summary>A host serving one built plugin (<paramref name="route"/>, textclassifier by default) with extra settings.</summary>
    public static async Task<HttpBench> StartAsync(int nice, string route = "textclassifier", IReadOnlyDictionary<string, string?>? settings = null)
    {
        var root = RepoFiles.FindRepoRoot();
        var plugins = Path.Combine(Path.GetTempPath(), "pluginhost-bench", "plugins-" + Guid.NewGuid().ToString("N")[..8]);
        RepoFiles.CopyFolder(Path.Combine(root, "artifacts", "plugins", route), Path.Combine(plugins, route));
        var models = Path.Combine(Path.GetTempPath(), "pluginhost-bench", "models-" + Guid.NewGuid().ToString("N")[..8]);
        var configuration = new Dictionary<string, string?>
        {
            ["PluginHost:Host"] = "127.0.0.1",
            ["PluginHost:Port"] = "0",
            ["PluginHost:ModelDir"] = models,
            ["PluginHost:PluginsDir"] = plugins,
            ["PluginHost:DefaultBackend"] = route,
            ["PluginHost:MaxRequestBodyBytes"] = (512L * 1024 * 1024).ToString(),
            ["PluginHost:PredictTimeoutSeconds"] = "600",
            ["PluginHost:Training:Nice"] = nice.ToString(),
            [$"Backends:{route}:Training:DataSource"] = "Store",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        var app = PluginHostApp.Create([], configuration);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpBench(app, new Uri(address + "/"), route, plugins, models);
    }

    /// <summary>Trains through /train and returns the job's duration and model_version.</summary>
    public async Task<(double Seconds, string ModelVersion)> TrainAsync(IReadOnlyList<Message> train)
    {
        var answer = await PostAsync($"{_route}/train", TrainBody(train));
        var job = answer["job"]!.GetValue<string>();
        var info = await WaitAsync(job);
        if (info["state"]!.GetValue<string>() != "succeeded") throw new InvalidOperationException($"Training failed: {info.ToJsonString()}");
        return (info["duration_seconds"]!.GetValue<double>(), info["model_version"]!.GetValue<string>());
    }

    /// <summary>START_TRAINING on the annotations already stored, measured as Label Studio would see it: wall time from
    /// the webhook's POST until a one-task <c>/predict</c>, sent every 5 ms, answers with a <c>model_version</c> other
    /// than <paramref name="servingVersion"/> (train, save, load, warm-up, swap); also the job's own duration.</summary>
    public async Task<(double Seconds, double JobSeconds, string ModelVersion)> RetrainAsync(string servingVersion)
    {
        var probe = PredictBody(["Subject: is the new model serving yet?"]);
        var started = Stopwatch.GetTimestamp();
        var body = Encoding.UTF8.GetBytes(
            """{"action":"START_TRAINING","project":{"id":6,"label_config":""" + JsonSerializer.Serialize(LabelConfig) + "}}");
        var answer = await PostAsync($"{_route}/webhook", body);
        string version;
        while ((version = (await PostAsync($"{_route}/predict", probe))["results"]![0]!["model_version"]!.GetValue<string>()) == servingVersion)
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(5)) throw new TimeoutException($"{servingVersion} still serving after 5 minutes");
            await Task.Delay(5);
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var info = await WaitAsync(answer["job"]!.GetValue<string>(), TimeSpan.FromMilliseconds(5));
        if (info["state"]!.GetValue<string>() != "succeeded") throw new InvalidOperationException($"Training failed: {info.ToJsonString()}");
        return (seconds, info["duration_seconds"]!.GetValue<double>(), version);
    }

    /// <summary>What <c>/versions</c> reports for the active version: held-out count, metrics and the loss curve's ends.</summary>
    public async Task<string> ActiveVersionFiguresAsync()
    {
        var versions = JsonNode.Parse(await _client.GetStringAsync($"{_route}/versions?project=6"))!;
        var active = versions["details"]!.AsArray().Single(v => v!["active"]!.GetValue<bool>())!;
        var loss = active["curves"]?["loss"]?.AsArray().Select(p => p!["value"]!.GetValue<double>()).ToList() ?? [];
        return $"{active["version"]}: {active["examples"]} annotations, {active["validation_examples"]} held out by the training service; metrics "
            + $"{active["metrics"]?.ToJsonString()}; loss {(loss.Count > 0 ? $"{loss[0]:F4} → {loss[^1]:F4} over {loss.Count - 1} iterations" : "not reported")}";
    }

    public async Task<Quality> EvaluateAsync(IReadOnlyList<Message> test)
    {
        var predicted = new List<string?>();
        foreach (var chunk in test.Chunk(100))
        {
            var answer = await PostAsync($"{_route}/predict", PredictBody(chunk.Select(m => m.Text)));
            predicted.AddRange(answer["results"]!.AsArray().Select(r => r!["result"]!.AsArray().FirstOrDefault()?["value"]?["choices"]?[0]?.GetValue<string>()));
        }
        return QualityMetrics.Score(test.Select(m => m.Label).ToList(), predicted);
    }

    /// <summary>Closed-loop load: <paramref name="clients"/> concurrent senders of the given bodies for a while.</summary>
    public async Task<Load> LoadAsync(IReadOnlyList<byte[]> bodies, int tasksPerBody, int clients, TimeSpan duration, Func<bool>? until = null)
    {
        var latencies = new ConcurrentBag<double>();
        var failures = 0;
        var stop = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var i = c;
            while (until is null ? stop.Elapsed < duration : !until())
            {
                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(bodies[i++ % bodies.Count]);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await _client.PostAsync($"{_route}/predict", content);
                await response.Content.CopyToAsync(Stream.Null);
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failures);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })).ToList();
        await Task.WhenAll(workers);
        var elapsed = stop.Elapsed.TotalSeconds;
        var list = latencies.ToList();
        return new Load(list.Count * tasksPerBody / elapsed, list.Count / elapsed, QualityMetrics.Percentile(list, 50), QualityMetrics.Percentile(list, 99), failures, elapsed);
    }

    /// <summary>Predict load while a training job runs, against the same load without training.</summary>
    public async Task<(Load Idle, Load Training, double TrainingSeconds)> LatencyUnderTrainingAsync(IReadOnlyList<Message> train, IReadOnlyList<byte[]> bodies,
        int tasksPerBody, int clients, TimeSpan idleDuration)
    {
        var idle = await LoadAsync(bodies, tasksPerBody, clients, idleDuration);
        var answer = await PostAsync($"{_route}/train", TrainBody(train));
        var job = answer["job"]!.GetValue<string>();
        var done = false;
        var loadTask = LoadAsync(bodies, tasksPerBody, clients, TimeSpan.Zero, () => Volatile.Read(ref done));
        var info = await WaitAsync(job);
        Volatile.Write(ref done, true);
        var training = await loadTask;
        return (idle, training, info["duration_seconds"]!.GetValue<double>());
    }

    public static byte[] PredictBody(IEnumerable<string> texts)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("tasks");
            var id = 1;
            foreach (var text in texts)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", id++);
                writer.WriteStartObject("data");
                writer.WriteString("text", text);
                writer.WriteEndObject();
                writer.WriteStartObject("meta");
                writer.WriteEndObject();
                writer.WriteBoolean("is_labeled", false);
                writer.WriteNumber("project", 6);
                writer.WriteStartArray("annotations");
                writer.WriteEndArray();
                writer.WriteStartArray("predictions");
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteString("project", "6.1710967805");
            writer.WriteString("label_config", LabelConfig);
            writer.WriteStartObject("params");
            writer.WriteNull("login");
            writer.WriteNull("password");
            writer.WriteNull("context");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    public static byte[] TrainBody(IReadOnlyList<Message> train)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("annotations");
            for (var i = 0; i < train.Count; i++)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", i + 1);
                writer.WriteStartObject("data");
                writer.WriteString("text", train[i].Text);
                writer.WriteEndObject();
                writer.WriteNumber("project", 6);
                writer.WriteStartArray("annotations");
                writer.WriteStartObject();
                writer.WriteNumber("id", 100_000 + i);
                writer.WriteNumber("task", i + 1);
                writer.WriteBoolean("was_cancelled", false);
                writer.WriteStartArray("result");
                writer.WriteStartObject();
                writer.WriteString("from_name", "label");
                writer.WriteString("to_name", "text");
                writer.WriteString("type", "choices");
                writer.WriteStartObject("value");
                writer.WriteStartArray("choices");
                writer.WriteStringValue(train[i].Label);
                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteString("project", "6.1710967805");
            writer.WriteString("label_config", LabelConfig);
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    private async Task<JsonNode> PostAsync(string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private async Task<JsonNode> WaitAsync(string job, TimeSpan? poll = null)
    {
        while (true)
        {
            var info = JsonNode.Parse(await _client.GetStringAsync($"{_route}/jobs/{job}"))!;
            if (info["state"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled") return info;
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(100));
        }
    }



    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        // The plugin copy (~100 MB for embeddingclassifier) and the model store: /tmp is shared and has filled up before.
        foreach (var folder in _temporaryFolders)
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }
}

public sealed record Load(double TasksPerSecond, double RequestsPerSecond, double P50Ms, double P99Ms, int Failures, double Seconds)
{
    public override string ToString() =>
        $"{TasksPerSecond,10:N0} tasks/s {RequestsPerSecond,8:N0} req/s  p50 {P50Ms,7:F1} ms  p99 {P99Ms,7:F1} ms  failures {Failures}";
}
