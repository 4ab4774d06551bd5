using System.Diagnostics;
using System.Globalization;
using PluginHost.JobsBench;

// Pre-annotating a project end to end: a fake Label Studio with N text tasks per project (in a child process at nice 10,
// standing in for a Label Studio on another machine), the textclassifier (trained first) in a real host in this
// process, a prediction job through the HTTP API; tasks/s from POST to "succeeded", the host's CPU time per 1,000 tasks,
// and the p50/p99 of paced interactive predictions (textclassifier and substring) before and while a job runs.
// docs/prediction-jobs.md has the figures.
if (args.Length > 0 && args[0] == FakeLabelStudioProcess.Verb) return await FakeLabelStudioProcess.ServeAsync(args);

var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

var tasks = Option("tasks", 10_000);
var batchSize = Option("batch-size", 200);
var concurrency = Option("concurrency", 2);
var rate = Option("rate", 100);
var seconds = Option("seconds", 10);
var fairnessTasks = Option("fairness-tasks", 100_000);

await using var bench = await JobsBench.StartAsync(tasks, fairnessTasks);
Console.WriteLine($"{Environment.ProcessorCount} cores, load average {LoadAverage()}; {tasks} tasks; batch {batchSize}; concurrency {concurrency}; "
    + $"interactive {rate} req/s per backend");
Console.WriteLine($"trained: {await bench.TrainAsync()}");

// A first job (project 7) warms the JIT and the connection pools.
await bench.RunJobAsync("7", batchSize, concurrency, interactive: null);
await bench.InteractiveAsync(rate, TimeSpan.FromSeconds(2), until: null);

var cpu = Process.GetCurrentProcess().TotalProcessorTime;
var alone = await bench.RunJobAsync("8", batchSize, concurrency, interactive: null);
var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
Console.WriteLine($"job alone:                {alone.TasksPerSecond,8:0} tasks/s ({alone.Seconds:0.00} s, {alone.Done} predicted); "
    + $"host CPU {cpuMs / alone.Done * 1000:0} ms per 1,000 tasks (≈ {alone.Done / (cpuMs / 1000) * Environment.ProcessorCount:0} tasks/s if it had every core)");

var idle = await bench.InteractiveAsync(rate, TimeSpan.FromSeconds(seconds), until: null);
Console.WriteLine($"interactive, no job:      {idle}");

var together = await bench.RunJobAsync("9", batchSize, concurrency, interactive: rate);
Console.WriteLine($"job with interactive:     {together.TasksPerSecond,8:0} tasks/s ({together.Seconds:0.00} s, {together.Done} predicted)");
Console.WriteLine($"interactive, job running: {together.Interactive}");
if (together.Interactive is { } during)
    Console.WriteLine($"p99 ratio (running/none): textclassifier {during.Same.P99 / idle.Same.P99:0.00}x, substring {during.Other.P99 / idle.Other.P99:0.00}x");
Console.WriteLine($"load average at the end: {LoadAverage()}");
return 0;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
