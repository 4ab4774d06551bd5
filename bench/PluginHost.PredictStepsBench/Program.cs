using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PluginHost.Bench;
using PluginHost.PredictStepsBench;

// Two measurements of the host's predict steps (docs/hardening.md).
//
// `validation`: CPU time of the validation step per prediction, fast path and full validator.
//
// `bulkhead` (the default): the issue-11 scenario against a freshly started host process (a cold thread pool): a script whose predict blocks its
// thread, N concurrent calls, then N more while the first are blocked; meanwhile closed-loop clients ask the other
// backends (substring, interactive; a steady script). Prints the other backends' latency before and during the
// blocking, and when each blocked call was answered (503 at once past the bulkhead's queue, 504 by the timeout).
//
//   dotnet run -c Release --project bench/PluginHost.PredictStepsBench -- validation
//   dotnet run -c Release --project bench/PluginHost.PredictStepsBench -- bulkhead [--host path/PluginHost.dll] [--timeout 3]
//       [--calls 16] [--sleep 20] [--clients 2] [--setting Key=Value ...]
if (args.FirstOrDefault() == "validation")
{
    ValidationCost.Run();
    return 0;
}
var options = BenchOptions.Parse(args);
var root = RepoFiles.FindRepoRoot();
var work = Directory.CreateTempSubdirectory("bulkhead-bench-").FullName;
try
{
    var scripts = Directory.CreateDirectory(Path.Combine(work, "scripts")).FullName;
    File.WriteAllText(Path.Combine(scripts, "blocking.csx"), Scripts.Blocking(options.SleepSeconds));
    File.WriteAllText(Path.Combine(scripts, "steady.csx"), Scripts.Steady);
    var plugins = Directory.CreateDirectory(Path.Combine(work, "plugins")).FullName;
    RepoFiles.CopyFolder(Path.Combine(root, "artifacts", "plugins", "substring"), Path.Combine(plugins, "substring"));
    var hostDll = options.HostDll ?? Path.Combine(root, "host", "PluginHost", "bin", "Release", "net10.0", "PluginHost.dll");

    var port = FreePort();
    var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    start.ArgumentList.Add(hostDll);
    var settings = new Dictionary<string, string>
    {
        ["PluginHost__Host"] = "127.0.0.1",
        ["PluginHost__Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["PluginHost__ScriptsDir"] = scripts,
        ["PluginHost__PluginsDir"] = plugins,
        ["PluginHost__ModelDir"] = Directory.CreateDirectory(Path.Combine(work, "models")).FullName,
        ["PluginHost__DefaultBackend"] = "substring",
        ["PluginHost__PredictTimeoutSeconds"] = options.TimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        ["Logging__LogLevel__Default"] = "Error",
    };
    foreach (var (key, value) in options.Settings) settings[key.Replace(":", "__", StringComparison.Ordinal)] = value;
    foreach (var (key, value) in settings) start.Environment[key] = value;
    using var host = Process.Start(start) ?? throw new InvalidOperationException("Could not start the host.");
    host.OutputDataReceived += (_, _) => { };
    host.ErrorDataReceived += (_, _) => { };
    host.BeginOutputReadLine();
    host.BeginErrorReadLine();
    try
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseProxy = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromSeconds(120),
        };
        await WaitForBackendsAsync(client, ["blocking", "steady", "substring"]);
        var scenario = new Scenario(client, options);
        await scenario.RunAsync();
        scenario.Print();
    }
    finally
    {
        host.Kill(entireProcessTree: true);
        await host.WaitForExitAsync();
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}
return 0;

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static async Task WaitForBackendsAsync(HttpClient client, string[] backends)
{
    var deadline = Stopwatch.StartNew();
    foreach (var backend in backends)
    {
        while (true)
        {
            try
            {
                using var response = await client.GetAsync($"{backend}/health");
                if (response.StatusCode == HttpStatusCode.OK) break;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(120)) throw new TimeoutException($"Backend '{backend}' did not come up.");
            await Task.Delay(50);
        }
    }
}

namespace PluginHost.PredictStepsBench
{
    internal sealed record BenchOptions(string? HostDll, double TimeoutSeconds, int Calls, int SleepSeconds, int Clients, IReadOnlyList<KeyValuePair<string, string>> Settings)
    {
        public static BenchOptions Parse(string[] args)
        {
            string? Get(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
            var settings = args.Select((a, i) => (a, i)).Where(x => x.a == "--setting" && x.i + 1 < args.Length)
                .Select(x => args[x.i + 1].Split('=', 2)).Select(kv => new KeyValuePair<string, string>(kv[0], kv[1])).ToList();
            return new BenchOptions(Get("--host"), double.Parse(Get("--timeout") ?? "3", CultureInfo.InvariantCulture),
                int.Parse(Get("--calls") ?? "16", CultureInfo.InvariantCulture), int.Parse(Get("--sleep") ?? "20", CultureInfo.InvariantCulture),
                int.Parse(Get("--clients") ?? "2", CultureInfo.InvariantCulture), settings);
        }
    }

    internal static class Scripts
    {
        public static string Blocking(int seconds) => $$"""
            public sealed class Blocker : ILabelStudioBackend
            {
                public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
                {
                    Thread.Sleep(TimeSpan.FromSeconds({{seconds}}));
                    return ValueTask.FromResult<IReadOnlyList<Prediction>>([]);
                }
            }
            """;

        public const string Steady = """
            public sealed class Steady : ILabelStudioBackend
            {
                public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
                {
                    IReadOnlyList<Prediction> result = context.Tasks.Select(_ => new Prediction([Regions.Choices("choice", "text", ["steady"])])).ToList();
                    return ValueTask.FromResult(result);
                }
            }
            """;
    }
}
