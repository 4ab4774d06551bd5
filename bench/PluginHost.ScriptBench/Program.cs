// Save → first prediction with the new code, measured on a real host over HTTP, then memory after all the edits.
// Usage: dotnet run -c Release --project bench/PluginHost.ScriptBench -- [--edits 200] [--debounce-ms 150]
// (Memory lines come after forced full collections; "script contexts not collected" should stay at 1.)
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PluginHost;
using PluginHost.Scripts;

var edits = IntArgument(args, "--edits", 200);
var debounceMs = IntArgument(args, "--debounce-ms", 150);
var root = Path.Combine(Path.GetTempPath(), $"script-bench-{Environment.ProcessId}");
var scriptsDir = Directory.CreateDirectory(Path.Combine(root, "scripts")).FullName;
var scriptPath = Path.Combine(scriptsDir, "bench.csx");

var app = PluginHostApp.Create([], new Dictionary<string, string?>
{
    ["PluginHost:Host"] = "127.0.0.1",
    ["PluginHost:Port"] = "0",
    ["PluginHost:ModelDir"] = Directory.CreateDirectory(Path.Combine(root, "models")).FullName,
    ["PluginHost:PluginsDir"] = Directory.CreateDirectory(Path.Combine(root, "plugins")).FullName,
    ["PluginHost:ScriptsDir"] = scriptsDir,
    ["PluginHost:DefaultBackend"] = "",
    ["PluginHost:ScriptDebounceMilliseconds"] = debounceMs.ToString(),
    ["Logging:LogLevel:Default"] = "Error",
    ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Error",
});
await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
using var client = new HttpClient { BaseAddress = new Uri(address + "/") };

try
{
    Console.WriteLine($"Script reload benchmark: {edits} edits, debounce {debounceMs} ms, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
    var cold = await SaveAndWaitAsync("v0");
    Console.WriteLine($"first save -> first prediction (cold Roslyn, in a running host): {cold.TotalMilliseconds:0} ms");
    for (var i = 1; i <= 5; i++) await SaveAndWaitAsync($"warm{i}");
    var before = Settle();

    var latencies = new List<double>(edits);
    for (var i = 1; i <= edits; i++)
    {
        latencies.Add((await SaveAndWaitAsync($"v{i}")).TotalMilliseconds);
        if (i % 100 == 0 && i < edits) Console.WriteLine($"after {i} edits: {Settle()}");
    }
    var after = Settle();

    latencies.Sort();
    Console.WriteLine($"save -> first prediction with the new code, {edits} edits: p50 {Percentile(latencies, 0.50):0} ms, " +
                      $"p95 {Percentile(latencies, 0.95):0} ms, max {latencies[^1]:0} ms, min {latencies[0]:0} ms");
    Console.WriteLine($"after warm-up:     {before}");
    Console.WriteLine($"after {edits} edits: {after}");
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
    try { Directory.Delete(root, recursive: true); } catch (IOException) { }
}

async Task<TimeSpan> SaveAndWaitAsync(string marker)
{
    await File.WriteAllTextAsync(scriptPath, Script(marker));
    var watch = Stopwatch.StartNew();
    while (await ChoiceAsync() != marker)
    {
        if (watch.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"'{marker}' was not served within 30 s.");
        await Task.Delay(2);
    }
    return watch.Elapsed;
}

async Task<string?> ChoiceAsync()
{
    using var response = await client.PostAsync("bench/predict",
        new StringContent("""{"tasks":[{"id":1,"data":{"text":"hello"}}]}""", Encoding.UTF8, "application/json"));
    if (!response.IsSuccessStatusCode) return null;
    var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
    return (string?)body?["results"]?[0]?["result"]?[0]?["value"]?["choices"]?[0];
}

string Settle()
{
    for (var i = 0; i < 20 && ScriptLoadContext.CountNotCollected(scriptsDir) > 1; i++)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Thread.Sleep(20);
    }
    var managed = GC.GetTotalMemory(forceFullCollection: true);
    using var process = Process.GetCurrentProcess();
    return $"managed {managed / 1048576.0:0.0} MB, private {process.PrivateMemorySize64 / 1048576.0:0.0} MB, " +
           $"working set {process.WorkingSet64 / 1048576.0:0.0} MB, assemblies {AppDomain.CurrentDomain.GetAssemblies().Length}, " +
           $"script contexts not collected {ScriptLoadContext.CountNotCollected(scriptsDir)}";
}

static string Script(string marker) => $$"""
    // Benchmark script, version {{marker}}.
    public sealed class Bench : ILabelStudioBackend
    {
        private static readonly Regex Word = new(@"\w+");

        public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
        {
            IReadOnlyList<Prediction> results = context.Tasks
                .Select(task => new Prediction([Regions.Choices("choice", "text", ["{{marker}}"], Word.Count(task.GetData("text") ?? "") / 10.0)]))
                .ToList();
            return ValueTask.FromResult(results);
        }
    }
    """;

static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

static int IntArgument(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], out var value) ? value : fallback;
}
