using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using PluginHost.Bench;
using PluginHost.ClusterBench;
using PluginHost.Tests.Shared;
using static PluginHost.Tests.LabelStudioRequests;
using static PluginHost.Tests.Training.TrainingRequests;

// Cluster mode, measured on three real replicas (separate `dotnet PluginHost.dll` processes on 127.0.0.1) sharing one
// private redis-server and one MODEL_DIR:
//  1. activation on one replica -> every replica serves the new version (p50/p95 over --activations alternations v1/v2);
//  2. interactive predict throughput (substring backend, same closed-loop client): a cluster replica vs an embedded host;
//  3. failover: kill -9 of the replica running a training job -> another replica runs it (and finishes it).
// Usage: dotnet run -c Release --project bench/PluginHost.ClusterBench [-- --activations 24 --seconds 10 --concurrency 8 --failovers 3]
var activations = Arg("--activations", 24);
var seconds = Arg("--seconds", 10);
var concurrency = Arg("--concurrency", 8);
var failovers = Arg("--failovers", 3);
var repo = RepoFiles.FindRepoRoot();
var work = Directory.CreateTempSubdirectory("pluginhost-clusterbench-").FullName;
var report = new List<string> { $"PluginHost cluster bench ({Environment.ProcessorCount} cores), 3 replicas + 1 redis-server on 127.0.0.1" };
await using var redis = await RedisServer.StartNewAsync();
var plugins = Path.Combine(work, "plugins");
foreach (var route in new[] { "textclassifier", "substring" })
    RepoFiles.CopyFolder(Path.Combine(repo, "artifacts", "plugins", route), Path.Combine(plugins, route));
RepoFiles.CopyFolder(Path.Combine(repo, "artifacts", "test-plugins", "slowtrainer"), Path.Combine(plugins, "slowtrainer"));
var shared = new Dictionary<string, string>
{
    ["PluginHost:ModelDir"] = Path.Combine(work, "models"),
    ["PluginHost:PluginsDir"] = plugins,
    ["PluginHost:ScriptsDir"] = Directory.CreateDirectory(Path.Combine(work, "scripts")).FullName,
    ["PluginHost:DefaultBackend"] = "textclassifier",
    ["PluginHost:RedisUrl"] = redis.ConnectionString,
    ["Backends:textclassifier:Training:DataSource"] = "Store",
    ["Backends:slowtrainer:Training:DataSource"] = "Store",
    ["Logging:LogLevel:Default"] = "Warning",
};
var replicas = new List<HostProcess>();
try
{
    foreach (var name in new[] { "replica-a", "replica-b", "replica-c" }) replicas.Add(await StartReplicaAsync(name, shared));
    await MeasureActivationAsync();
    await MeasureThroughputAsync();
    await MeasureFailoverAsync();
}
finally
{
    foreach (var replica in replicas) await replica.DisposeAsync();
    Directory.Delete(work, recursive: true);
    foreach (var line in report) Console.WriteLine(line);
}

async Task MeasureActivationAsync()
{
    var a = replicas[0];
    await TrainAsync(a, Train(Sentiment));
    await TrainAsync(a, Train(Sentiment.Select(s => (s.Text, s.Label == "Positive" ? "Negative" : "Positive"))));
    var fromRequest = new List<double>();
    var fromAnswer = new List<double>();
    for (var i = 0; i < activations; i++)
    {
        var target = i % 2 == 0 ? "v1" : "v2";
        var started = Stopwatch.GetTimestamp();
        using (var response = await a.Client.PostAsync($"textclassifier/versions/{target}/activate?project=6", Json("")))
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"activate {target}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var answered = Stopwatch.GetTimestamp();
        await Task.WhenAll(replicas.Skip(1).Select(r => WaitServingAsync(r, "textclassifier-" + target)));
        var everywhere = Stopwatch.GetTimestamp();
        fromRequest.Add(Stopwatch.GetElapsedTime(started, everywhere).TotalMilliseconds);
        fromAnswer.Add(Stopwatch.GetElapsedTime(answered, everywhere).TotalMilliseconds);
    }
    fromRequest.Sort();
    fromAnswer.Sort();
    report.Add($"activation -> all 3 replicas serve it ({activations} activations, textclassifier v1<->v2):");
    report.Add($"  from the activate request on A: p50 {Stats.Percentile(fromRequest, 0.5):F0} ms, p95 {Stats.Percentile(fromRequest, 0.95):F0} ms, max {fromRequest[^1]:F0} ms");
    report.Add($"  from A's answer (A serves it):  p50 {Stats.Percentile(fromAnswer, 0.5):F0} ms, p95 {Stats.Percentile(fromAnswer, 0.95):F0} ms, max {fromAnswer[^1]:F0} ms");
}

async Task MeasureThroughputAsync()
{
    var body = Encoding.UTF8.GetBytes(InteractiveSubstring("We got hold of one of the first Apple Watches; Apple says it will ship in April, and apple fans wait.", 32, 37));
    var embeddedSettings = new Dictionary<string, string>(shared)
    {
        ["PluginHost:ModelDir"] = Path.Combine(work, "embedded-models"),
        ["PluginHost:RedisUrl"] = "",
    };
    await using var embedded = await StartReplicaAsync("embedded", embeddedSettings);
    using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
    var rounds = new List<(string Mode, double Rps, double P50, double P95, int Failures)>();
    // Alternated, four rounds each, after a 5 s warm-up per target: drift on a shared machine hits both modes alike.
    foreach (var target in new[] { embedded, replicas[0] }) await ClosedLoop.RunAsync(client, new Uri(target.BaseAddress, "substring/predict").ToString(), body, concurrency, TimeSpan.FromSeconds(5));
    var redisCommands = new List<(long Commands, double Requests)>();
    for (var round = 0; round < 4; round++)
        // ABBA order: neither mode always runs first (JIT tiering and neighbours' load drift over time).
        foreach (var (mode, target) in round % 2 == 0 ? new[] { ("cluster", replicas[0]), ("embedded", embedded) } : [("embedded", embedded), ("cluster", replicas[0])])
        {
            var before = await RedisCommandsAsync();
            var r = await ClosedLoop.RunAsync(client, new Uri(target.BaseAddress, "substring/predict").ToString(), body, concurrency, TimeSpan.FromSeconds(seconds));
            if (mode == "cluster") redisCommands.Add((await RedisCommandsAsync() - before, r.RequestsPerSecond * seconds));
            rounds.Add((mode, r.RequestsPerSecond, r.P50Ms, r.P95Ms, r.Failures));
        }
    report.Add($"interactive predict, substring backend, closed loop of {concurrency} clients, {seconds} s per round:");
    foreach (var r in rounds) report.Add($"  {r.Mode,-8} {r.Rps,8:F0} req/s  p50 {r.P50:F2} ms  p95 {r.P95:F2} ms  failures {r.Failures}");
    double Mean(string mode) => rounds.Where(r => r.Mode == mode).Average(r => r.Rps);
    report.Add($"  cluster / embedded = {Mean("cluster") / Mean("embedded") * 100:F1} % (mean of the rounds)");
    report.Add($"  Redis commands during the cluster rounds (all 3 replicas: heartbeats, queue polls): {string.Join(", ", redisCommands.Select(c => $"{c.Commands} for {c.Requests:F0} predicts"))}");
}

async Task MeasureFailoverAsync()
{
    var toRunning = new List<double>();
    var toDone = new List<double>();
    for (var run = 0; run < failovers; run++)
    {
        var entry = replicas[run % replicas.Count];
        await PostOkAsync(entry, "slowtrainer/setup", PluginHost.Tests.Training.TrainingRequests.Setup(SentimentConfig, extraParams: """{"train_delay_ms":4000}"""));
        for (var i = 0; i < 3; i++)
            await PostOkAsync(entry, "slowtrainer/webhook", AnnotationCreated(100 + i, 10 + i, Sentiment[i].Text, [Sentiment[i].Label]));
        var job = (await PostOkAsync(entry, "slowtrainer/webhook", StartTraining()))["job"]!.GetValue<string>();
        var running = await PollAsync(entry, $"slowtrainer/jobs/{job}", j => j["state"]!.GetValue<string>() == "running" && j["stage"]!.GetValue<string>() == "training");
        // Mid-fit: a second into the 4 s fit (its checkpoint is in a staging folder by then).
        await Task.Delay(1_000);
        var health = await GetJsonAsync(entry, "health");
        var trainerId = health["cluster"]!["training_jobs"]!.AsArray().Single(j => j!["job"]!.GetValue<string>() == job)!["replica"]!.GetValue<string>();
        var trainer = replicas.Single(r => r.Name == trainerId);
        var survivor = replicas.First(r => r != trainer);
        var firstStart = running["started_at"]!.GetValue<string>();
        trainer.Kill();
        var killed = Stopwatch.GetTimestamp();
        await PollAsync(survivor, $"slowtrainer/jobs/{job}", j => j["state"]!.GetValue<string>() == "running" && j["started_at"]!.GetValue<string>() != firstStart);
        toRunning.Add(Stopwatch.GetElapsedTime(killed).TotalMilliseconds);
        var done = await PollAsync(survivor, $"slowtrainer/jobs/{job}", j => j["state"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled");
        if (done["state"]!.GetValue<string>() != "succeeded") throw new InvalidOperationException($"failover job: {done.ToJsonString()}");
        toDone.Add(Stopwatch.GetElapsedTime(killed).TotalMilliseconds);
        replicas[replicas.IndexOf(trainer)] = await StartReplicaAsync(trainer.Name + "-" + run, shared);
        await trainer.DisposeAsync();
    }
    toRunning.Sort();
    toDone.Sort();
    report.Add($"failover after kill -9 of the trainer (lease 10 s, renewed every 3.3 s; slowtrainer fit 4 s, killed 1 s into it; {failovers} runs):");
    report.Add($"  kill -> job running on another replica: {string.Join(", ", toRunning.Select(t => $"{t / 1000:F1} s"))}");
    report.Add($"  kill -> job succeeded there:            {string.Join(", ", toDone.Select(t => $"{t / 1000:F1} s"))}");
}

// One replica as its own OS process (SIGKILL-able like a crash), ready once GET /ready answers 200.
Task<HostProcess> StartReplicaAsync(string name, IReadOnlyDictionary<string, string> settings) =>
    HostProcess.StartAsync(HostProcess.HostDll(repo), settings, name: name, environment: new Dictionary<string, string> { ["REPLICA_ID"] = name });

async Task TrainAsync(HostProcess replica, string body)
{
    var job = (await PostOkAsync(replica, "textclassifier/train", body))["job"]!.GetValue<string>();
    var done = await PollAsync(replica, $"textclassifier/jobs/{job}", j => j["state"]!.GetValue<string>() is "succeeded" or "failed" or "cancelled");
    if (done["state"]!.GetValue<string>() != "succeeded") throw new InvalidOperationException($"training failed: {done.ToJsonString()}");
}

async Task WaitServingAsync(HostProcess replica, string modelVersion)
{
    var body = Predict(["A great film"]);
    var deadline = DateTime.UtcNow.AddSeconds(30);
    while (DateTime.UtcNow < deadline)
    {
        var answer = await PostOkAsync(replica, "textclassifier/predict", body);
        if (answer["results"]![0]!["model_version"]!.GetValue<string>() == modelVersion) return;
        await Task.Delay(2);
    }
    throw new TimeoutException($"{replica.Name} never served {modelVersion}");
}

async Task<JsonNode> PostOkAsync(HostProcess replica, string path, string body)
{
    using var response = await replica.Client.PostAsync(path, Json(body));
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{replica.Name} POST {path}: {(int)response.StatusCode} {text}");
    return JsonNode.Parse(text)!;
}

async Task<JsonNode> GetJsonAsync(HostProcess replica, string path)
{
    using var response = await replica.Client.GetAsync(path);
    return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}

async Task<JsonNode> PollAsync(HostProcess replica, string path, Func<JsonNode, bool> until)
{
    var deadline = DateTime.UtcNow.AddSeconds(90);
    while (DateTime.UtcNow < deadline)
    {
        using var response = await replica.Client.GetAsync(path);
        if (response.IsSuccessStatusCode && JsonNode.Parse(await response.Content.ReadAsStringAsync()) is { } node && until(node)) return node;
        await Task.Delay(10);
    }
    throw new TimeoutException($"{replica.Name} {path} never got there:\n{replica.Output}");
}

// total_commands_processed of the bench's redis-server (redis-cli, from the same Debian package).
async Task<long> RedisCommandsAsync()
{
    var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var a in new[] { "-p", redis.Port.ToString(), "INFO", "stats" }) start.ArgumentList.Add(a);
    using var process = Process.Start(start)!;
    var output = await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    var line = output.Split('\n').First(l => l.StartsWith("total_commands_processed:", StringComparison.Ordinal));
    return long.Parse(line["total_commands_processed:".Length..].Trim());
}

static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
}
