using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Bench;

namespace PluginHost.JobsBench;

/// <summary>The fake Label Studio, the host and the HTTP client of the benchmark.</summary>
public sealed class JobsBench : IAsyncDisposable
{
    public const string LabelConfig = """<View><Text name="text" value="$text"/><Choices name="label" toName="text"><Choice value="Ham"/><Choice value="Spam"/></Choices></View>""";
    private const string SubstringConfig = """<View><Labels name="label" toName="text"><Label value="ORG"/></Labels><Text name="text" value="$text"/></View>""";

    private readonly FakeLabelStudioProcess _labelStudio;
    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private JobsBench(FakeLabelStudioProcess labelStudio, WebApplication app, Uri baseAddress)
    {
        _labelStudio = labelStudio;
        _app = app;
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
    }

    public static async Task<JobsBench> StartAsync(int tasks, int fairnessTasks)
    {
        var labelStudio = await FakeLabelStudioProcess.StartAsync(tasks, fairnessTasks);

        var root = RepoFiles.FindRepoRoot();
        var scratch = Path.Combine(Path.GetTempPath(), "pluginhost-bench", "jobs-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var plugin in new[] { "textclassifier", "substring" })
            RepoFiles.CopyFolder(Path.Combine(root, "artifacts", "plugins", plugin), Path.Combine(scratch, "plugins", plugin));
        var app = PluginHostApp.Create([], new Dictionary<string, string?>
        {
            ["PluginHost:Host"] = "127.0.0.1",
            ["PluginHost:Port"] = "0",
            ["PluginHost:ModelDir"] = Path.Combine(scratch, "models"),
            ["PluginHost:PluginsDir"] = Path.Combine(scratch, "plugins"),
            ["PluginHost:ScriptsDir"] = Path.Combine(scratch, "scripts"),
            ["PluginHost:DefaultBackend"] = "textclassifier",
            ["PluginHost:LabelStudioUrl"] = labelStudio.Url,
            ["PluginHost:LabelStudioApiKey"] = labelStudio.Token,
            ["Backends:textclassifier:Training:DataSource"] = "Store",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        Directory.CreateDirectory(Path.Combine(scratch, "scripts"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bench = new JobsBench(labelStudio, app, new Uri(address + "/"));
        await bench.WaitForBackendsAsync();
        return bench;
    }

    public static string TextOf(long id) => (id % 4) switch
    {
        0 => $"WINNER!! claim your free prize {id} now, click the link",
        1 => $"Are we still meeting for lunch on day {id}? Bring the slides",
        2 => $"Cheap meds and loans, limited offer {id}, reply STOP to end",
        _ => $"Thanks for the notes from meeting {id}, see you tomorrow",
    };

    /// <summary>Trains the classifier through legacy /train on 400 labelled texts; returns the model version.</summary>
    public async Task<string> TrainAsync()
    {
        var annotations = new JsonArray();
        for (var id = 1; id <= 400; id++)
        {
            var label = id % 2 == 0 ? "Spam" : "Ham";
            annotations.Add(new JsonObject
            {
                ["id"] = 1_000_000 + id,
                ["data"] = new JsonObject { ["text"] = TextOf(id) },
                ["project"] = 7,
                ["annotations"] = new JsonArray(new JsonObject
                {
                    ["id"] = 2_000_000 + id,
                    ["task"] = 1_000_000 + id,
                    ["was_cancelled"] = false,
                    ["result"] = new JsonArray(new JsonObject
                    {
                        ["from_name"] = "label", ["to_name"] = "text", ["type"] = "choices",
                        ["value"] = new JsonObject { ["choices"] = new JsonArray(label) },
                    }),
                }),
            });
        }
        var body = new JsonObject { ["annotations"] = annotations, ["project"] = "7.1", ["label_config"] = LabelConfig };
        using var response = await _client.PostAsync("textclassifier/train", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var job = (await response.Content.ReadFromJsonAsync<JsonNode>())!["job"]!.GetValue<string>();
        var info = await PollAsync($"textclassifier/jobs/{job}");
        return info["model_version"]?.GetValue<string>() ?? throw new InvalidOperationException(info.ToJsonString());
    }

    /// <summary>One job over the whole project; with <paramref name="interactive"/>, paced interactive load while it runs.</summary>
    public async Task<JobRun> RunJobAsync(string project, int batchSize, int concurrency, int? interactive)
    {
        var done = false;
        var load = interactive is { } rate ? InteractiveAsync(rate, TimeSpan.MaxValue, () => Volatile.Read(ref done)) : null;
        var started = Stopwatch.GetTimestamp();
        using var response = await _client.PostAsJsonAsync("textclassifier/jobs/predict",
            new { project, all = true, batch_size = batchSize, concurrency });
        var id = (await response.Content.ReadFromJsonAsync<JsonNode>())!["job"]!.GetValue<string>();
        var info = await PollAsync($"textclassifier/jobs/{id}");
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Volatile.Write(ref done, true);
        if (info["state"]!.GetValue<string>() != "succeeded") throw new InvalidOperationException(info.ToJsonString());
        var predicted = info["done"]!.GetValue<int>();
        return new JobRun(seconds, predicted, predicted / seconds, load is null ? null : await load);
    }

    /// <summary>Paced single-task predictions (as annotators' interactive calls): <paramref name="rate"/> per second to
    /// the textclassifier and as many to substring (interactive, with a context), each on its own schedule.</summary>
    public async Task<InteractiveLoad> InteractiveAsync(int rate, TimeSpan duration, Func<bool>? until)
    {
        var same = PacedAsync("textclassifier/predict", SameBody(), rate, duration, until);
        var other = PacedAsync("substring/predict", SubstringBody(), rate, duration, until);
        return new InteractiveLoad(await same, await other);
    }

    private async Task<Latency> PacedAsync(string path, byte[] body, int rate, TimeSpan duration, Func<bool>? until)
    {
        var latencies = new List<double>();
        var failures = 0;
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var clock = Stopwatch.StartNew();
        var pending = new List<Task>();
        for (var n = 0; until is null ? clock.Elapsed < duration : !until(); n++)
        {
            var due = interval * n;
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            pending.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await _client.PostAsync(path, content);
                await response.Content.CopyToAsync(Stream.Null);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(ms);
                    if (!response.IsSuccessStatusCode) failures++;
                }
            }));
        }
        await Task.WhenAll(pending);
        return Latency.Of(latencies, failures);
    }

    private static byte[] SameBody() => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["tasks"] = new JsonArray(new JsonObject { ["id"] = 1, ["data"] = new JsonObject { ["text"] = TextOf(3) }, ["project"] = 7 }),
        ["project"] = "7.1",
        ["label_config"] = LabelConfig,
    }.ToJsonString());

    private static byte[] SubstringBody() => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["tasks"] = new JsonArray(new JsonObject
        {
            ["id"] = 1, ["data"] = new JsonObject { ["text"] = "Apple hired Apple engineers; Apple Watch by Apple." }, ["project"] = 8,
        }),
        ["project"] = "8.1",
        ["label_config"] = SubstringConfig,
        ["params"] = new JsonObject
        {
            ["context"] = new JsonObject
            {
                ["result"] = new JsonArray(new JsonObject
                {
                    ["from_name"] = "label", ["to_name"] = "text", ["type"] = "labels",
                    ["value"] = new JsonObject { ["start"] = 0, ["end"] = 5, ["text"] = "Apple", ["labels"] = new JsonArray("ORG") },
                }),
            },
        },
    }.ToJsonString());

    private async Task WaitForBackendsAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var backend in new[] { "textclassifier", "substring" })
        {
            while (true)
            {
                using var health = await _client.GetAsync($"{backend}/health");
                if (health.IsSuccessStatusCode) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"{backend} did not load.");
                await Task.Delay(50);
            }
        }
    }

    private async Task<JsonNode> PollAsync(string path)
    {
        while (true)
        {
            var info = (await _client.GetFromJsonAsync<JsonNode>(path))!;
            if (info["state"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled") return info;
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _labelStudio.DisposeAsync();
    }
}
