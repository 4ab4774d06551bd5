using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PluginHost;
using PluginHost.Bench;
using PluginHost.ReloadStress;

// Training while code reloads (issue 11, item 7): one real host (Kestrel on 127.0.0.1) in this process; every
// --period ms a plugin with a private ML.NET is reloaded (its DLL touched) and a script is edited, while
// `textclassifier` and `ner` retrain in a loop (START_TRAINING webhooks, jobs polled to their end) and two clients
// keep predicting on both. Goal: 0 failed jobs and 0 failed predictions.
// Usage: dotnet run -c Release --project bench/PluginHost.ReloadStress [-- --seconds 300 --period 200] >/dev/null
var seconds = ArgValue(args, "--seconds", 300);
var period = TimeSpan.FromMilliseconds(ArgValue(args, "--period", 200));
var repo = RepoFiles.FindRepoRoot();
var work = Directory.CreateTempSubdirectory("pluginhost-stress-").FullName;
var plugins = Directory.CreateDirectory(Path.Combine(work, "plugins")).FullName;
var scripts = Directory.CreateDirectory(Path.Combine(work, "scripts")).FullName;
foreach (var (source, route) in new[] { ("plugins/textclassifier", "textclassifier"), ("plugins/ner", "ner"), ("test-plugins/mlnet", "mlnet") })
    RepoFiles.CopyFolder(Path.Combine(repo, "artifacts", source), Path.Combine(plugins, route));
var script = Path.Combine(scripts, "churn.csx");
await File.WriteAllTextAsync(script, Traffic.Script(0));

var app = PluginHostApp.Create([], new Dictionary<string, string?>
{
    ["PluginHost:Host"] = "127.0.0.1",
    ["PluginHost:Port"] = "0",
    ["PluginHost:PluginsDir"] = plugins,
    ["PluginHost:ScriptsDir"] = scripts,
    ["PluginHost:ModelDir"] = Path.Combine(work, "models"),
    ["PluginHost:DefaultBackend"] = "",
    ["Logging:LogLevel:Default"] = "Warning",
});
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
using var http = new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromMinutes(2) };
var counters = new Counters();
var report = new List<string>();
try
{
    foreach (var route in new[] { "textclassifier", "ner", "mlnet", "churn" }) await WaitForAsync(http, route);
    await Traffic.SeedAsync(http);
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(
        ReloadLoopAsync(stop.Token),
        TrainLoopAsync("textclassifier", Traffic.SentimentConfig, Traffic.SentimentProject, stop.Token),
        TrainLoopAsync("ner", Traffic.NerConfig, Traffic.NerProject, stop.Token),
        PredictLoopAsync(stop.Token),
        PredictLoopAsync(stop.Token));
    report.Add($"PluginHost reload stress: {watch.Elapsed.TotalSeconds:0} s on {Environment.ProcessorCount} cores, a reload and a script edit every {period.TotalMilliseconds:0} ms");
    report.Add($"  plugin reloads {counters.Reloads}, script edits {counters.Edits}");
    report.Add($"  training jobs: {counters.JobsSucceeded} succeeded, {counters.JobsFailed} failed");
    report.Add($"  predictions: {counters.PredictionsOk} ok, {counters.PredictionsFailed} failed");
    report.AddRange(counters.Errors.Take(20).Select(e => "  error: " + e));
}
finally
{
    await app.StopAsync();
    try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    foreach (var line in report) Console.Error.WriteLine(line);
}
return counters.JobsFailed + counters.PredictionsFailed == 0 ? 0 : 1;

async Task ReloadLoopAsync(CancellationToken cancellationToken)
{
    var dll = Path.Combine(plugins, "mlnet", "MlNet.dll");
    for (var i = 1; !cancellationToken.IsCancellationRequested; i++)
    {
        File.SetLastWriteTimeUtc(dll, DateTime.UtcNow.AddSeconds(i));
        Interlocked.Increment(ref counters.Reloads);
        // Saved as editors do (write aside, then rename), so the host never reads a half-written file.
        await File.WriteAllTextAsync(script + ".tmp", Traffic.Script(i), CancellationToken.None);
        File.Move(script + ".tmp", script, overwrite: true);
        Interlocked.Increment(ref counters.Edits);
        try { await Task.Delay(period, cancellationToken); } catch (OperationCanceledException) { }
    }
}

async Task TrainLoopAsync(string route, string config, int project, CancellationToken cancellationToken)
{
    while (!cancellationToken.IsCancellationRequested)
    {
        var (status, answer) = await PostAsync(http, $"{route}/webhook", Traffic.StartTraining(config, project));
        if (status != 201 || answer?["job"] is not { } jobId)
        {
            counters.Fail(ref counters.JobsFailed, $"{route} START_TRAINING answered {status}: {answer?.ToJsonString()}");
            continue;
        }
        while (true)
        {
            await Task.Delay(100, CancellationToken.None);
            var job = JsonNode.Parse(await http.GetStringAsync($"{route}/jobs/{jobId}", CancellationToken.None))!;
            var state = (string?)job["state"];
            if (state == "succeeded") { Interlocked.Increment(ref counters.JobsSucceeded); break; }
            if (state is "failed" or "cancelled") { counters.Fail(ref counters.JobsFailed, $"{route} job {jobId} {state}: {job["error"]}"); break; }
        }
    }
}

async Task PredictLoopAsync(CancellationToken cancellationToken)
{
    while (!cancellationToken.IsCancellationRequested)
    {
        foreach (var (route, body) in new[] { ("textclassifier", Traffic.SentimentPredict), ("ner", Traffic.NerPredict), ("churn", Traffic.SentimentPredict) })
        {
            var (status, answer) = await PostAsync(http, $"{route}/predict", body);
            if (status == 200 && answer?["results"]?.AsArray().Count == 1) Interlocked.Increment(ref counters.PredictionsOk);
            else counters.Fail(ref counters.PredictionsFailed, $"{route}/predict answered {status}: {answer?.ToJsonString()[..Math.Min(300, answer.ToJsonString().Length)]}");
        }
    }
}

static async Task WaitForAsync(HttpClient http, string route)
{
    var deadline = DateTime.UtcNow.AddMinutes(2);
    while ((await PostAsync(http, $"{route}/predict", Traffic.SentimentPredict)).Status != 200)
    {
        if (DateTime.UtcNow > deadline) throw new TimeoutException($"/{route} never became ready");
        await Task.Delay(100);
    }
}

static async Task<(int Status, JsonNode? Body)> PostAsync(HttpClient http, string path, string json)
{
    using var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
    var text = await response.Content.ReadAsStringAsync();
    JsonNode? body;
    try { body = JsonNode.Parse(text); } catch (JsonException) { body = JsonValue.Create(text); }
    return ((int)response.StatusCode, body);
}

static int ArgValue(string[] args, string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
}
