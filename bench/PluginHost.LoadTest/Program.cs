using System.Diagnostics;
using System.Net;
using System.Text;

// A closed-loop HTTP load generator: C workers each send the next request as soon as the previous answered, for a
// bounded time against one URL (loopback only), then print throughput and latency percentiles. Bounded in time and
// count by design: it stops by itself.
//
//   dotnet run -c Release --project bench/PluginHost.LoadTest -- --url http://127.0.0.1:9090/substring/predict \
//       --concurrency 8 --seconds 10 [--body file.json] [--warmup 2] [--host-pid <pid>]
//
// --host-pid (Linux): also prints the host process's CPU time per request over the measured phase, a figure that
// stays comparable on a machine busy with other work, where throughput and latency do not.
var options = LoadOptions.Parse(args);
if (!options.Url.IsLoopback)
{
    Console.Error.WriteLine($"Refusing to load {options.Url}: only loopback targets are allowed.");
    return 2;
}
var body = options.BodyFile is null ? Encoding.UTF8.GetBytes(DefaultBodies.InteractiveSubstring) : await File.ReadAllBytesAsync(options.BodyFile);

using var client = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = options.Concurrency,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    AutomaticDecompression = DecompressionMethods.None,
    UseProxy = false,
})
{ Timeout = TimeSpan.FromSeconds(30) };

Console.WriteLine($"Target {options.Url}, concurrency {options.Concurrency}, {options.Seconds} s (+{options.WarmupSeconds} s warm-up), body {body.Length} bytes");
await RunAsync(client, options, body, TimeSpan.FromSeconds(options.WarmupSeconds), record: false);
var cpuBefore = HostCpu.Read(options.HostPid);
var result = await RunAsync(client, options, body, TimeSpan.FromSeconds(options.Seconds), record: true);
var cpuAfter = HostCpu.Read(options.HostPid);
result.Print();
if (cpuBefore is { } c0 && cpuAfter is { } c1 && result.Latencies.Length > 0)
    Console.WriteLine($"host CPU: {(c1 - c0).TotalSeconds:F2} s, {(c1 - c0).TotalMicroseconds / result.Latencies.Length:F1} µs per request");
return result.Failures == 0 ? 0 : 1;

static async Task<LoadResult> RunAsync(HttpClient client, LoadOptions options, byte[] body, TimeSpan duration, bool record)
{
    var latencies = new List<double>[options.Concurrency];
    var failures = new int[options.Concurrency];
    var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    var started = Stopwatch.GetTimestamp();
    var workers = Enumerable.Range(0, options.Concurrency).Select(async worker =>
    {
        var mine = latencies[worker] = new List<double>(1 << 16);
        while (Stopwatch.GetTimestamp() < deadline && mine.Count < options.MaxRequestsPerWorker)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            try
            {
                using var response = await client.PostAsync(options.Url, content).ConfigureAwait(false);
                await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) failures[worker]++;
            }
            catch (HttpRequestException)
            {
                failures[worker]++;
            }
            if (record) mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
    }).ToArray();
    await Task.WhenAll(workers);
    var elapsed = Stopwatch.GetElapsedTime(started);
    return new LoadResult(latencies.SelectMany(l => l).ToArray(), failures.Sum(), elapsed);
}

internal sealed record LoadOptions(Uri Url, int Concurrency, int Seconds, int WarmupSeconds, string? BodyFile, int MaxRequestsPerWorker, int? HostPid)
{
    public static LoadOptions Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        return new LoadOptions(
            new Uri(Get("--url", "http://127.0.0.1:9090/substring/predict")),
            int.Parse(Get("--concurrency", "8")),
            Math.Clamp(int.Parse(Get("--seconds", "10")), 1, 300),
            Math.Clamp(int.Parse(Get("--warmup", "2")), 0, 60),
            args.Contains("--body") ? Get("--body", "") : null,
            5_000_000,
            args.Contains("--host-pid") ? int.Parse(Get("--host-pid", "0")) : null);
    }
}

internal sealed record LoadResult(double[] Latencies, int Failures, TimeSpan Elapsed)
{
    public void Print()
    {
        Array.Sort(Latencies);
        double P(double q) => Latencies.Length == 0 ? double.NaN : Latencies[Math.Min(Latencies.Length - 1, (int)Math.Ceiling(q * Latencies.Length) - 1)];
        Console.WriteLine($"requests {Latencies.Length}, failures {Failures}, {Latencies.Length / Elapsed.TotalSeconds:F0} req/s");
        Console.WriteLine($"latency ms: p50 {P(0.50):F3}  p95 {P(0.95):F3}  p99 {P(0.99):F3}  max {P(1.0):F3}");
    }
}

/// <summary>A process's user + system CPU time from <c>/proc/&lt;pid&gt;/stat</c> (null elsewhere or without a pid).</summary>
internal static class HostCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux the bench runs on

    public static TimeSpan? Read(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/stat")) return null;
        // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return TimeSpan.FromSeconds((long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond);
    }
}

internal static class DefaultBodies
{
    /// <summary>The interactive request of the Python SDK's substring-matching test, as Label Studio sends it.</summary>
    public const string InteractiveSubstring = """
        {"tasks":[{"id":102644832,"data":{"text":"We got hold of one of the first Apple Watches, and here's what we learned. Apple's new watch is a computer on your wrist; Apple says it will ship in April, and apple fans are waiting."},
          "meta":{},"created_at":"2024-04-08T14:20:37.285640Z","updated_at":"2024-04-08T14:20:37.285640Z","is_labeled":false,
          "overlap":1,"inner_id":1,"total_annotations":0,"cancelled_annotations":0,"total_predictions":0,"comment_count":0,
          "unresolved_comment_count":0,"last_comment_updated_at":null,"project":62053,"updated_by":null,"file_upload":null,
          "comment_authors":[],"annotations":[],"drafts":[],"predictions":[]}],
         "project":"62053.1712586036",
         "label_config":"<View><Labels name=\"label\" toName=\"text\"><Label value=\"ORG\" background=\"red\"/><Label value=\"PERSON\" background=\"darkorange\"/><Label value=\"LOC\" background=\"orange\"/><Label value=\"MISC\" background=\"green\"/></Labels><Text name=\"text\" value=\"$text\"/></View>",
         "params":{"login":null,"password":null,"context":{"annotation_id":null,"draft_id":0,"user_id":2640,
           "result":[{"id":"1aa-14p0B6","from_name":"label","to_name":"text","type":"labels","origin":"manual",
                      "value":{"start":32,"end":37,"text":"Apple","labels":["ORG"]}}]}}}
        """;
}
