using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace PluginHost.PredictStepsBench;

/// <summary>Other backends' traffic before and during the blocking, and the blocked calls' answers.</summary>
internal sealed class Scenario(HttpClient client, BenchOptions options)
{
    private const string Substring = """
        {"tasks":[{"id":1,"data":{"text":"We got hold of one of the first Apple Watches. Apple says it will ship in April, and apple fans wait."}}],
         "project":"1.1",
         "label_config":"<View><Labels name=\"label\" toName=\"text\"><Label value=\"ORG\"/></Labels><Text name=\"text\" value=\"$text\"/></View>",
         "params":{"context":{"result":[{"from_name":"label","to_name":"text","type":"labels","value":{"start":32,"end":37,"text":"Apple","labels":["ORG"]}}]}}}
        """;

    private const string Plain = """{"tasks":[{"id":1,"data":{"text":"hello"}}],"project":"1.1"}""";

    private readonly List<(double Ms, int Status)> _baseline = [];
    private readonly ConcurrentBag<(double Ms, int Status)> _during = [];
    private readonly ConcurrentBag<(double Ms, int Status, int Wave)> _blocked = [];

    public async Task RunAsync()
    {
        // Before: the other backends alone, for 3 s.
        using (var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
        {
            var bag = new ConcurrentBag<(double, int)>();
            await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(_ => TrafficAsync(bag, quiet.Token)));
            _baseline.AddRange(bag);
        }

        using var stop = new CancellationTokenSource();
        var traffic = Enumerable.Range(0, options.Clients).Select(_ => TrafficAsync(_during, stop.Token)).ToList();
        // "During" lasts until the blocked threads are back (the script's sleep), not just until their callers were answered.
        var threadsBack = Task.Delay(TimeSpan.FromSeconds(options.SleepSeconds + 1));
        var first = Enumerable.Range(0, options.Calls).Select(_ => BlockedAsync(1)).ToList();
        // The second wave while the first is blocked: once the refusals of the first are in, or after 300 ms.
        var wait = Stopwatch.StartNew();
        while (first.Count(c => c.IsCompleted) < options.Calls / 2 && wait.ElapsedMilliseconds < 300) await Task.Delay(5);
        var second = Enumerable.Range(0, options.Calls).Select(_ => BlockedAsync(2)).ToList();
        await Task.WhenAll(first.Concat(second));
        await threadsBack;
        await stop.CancelAsync();
        await Task.WhenAll(traffic);
    }

    private async Task TrafficAsync(ConcurrentBag<(double, int)> into, CancellationToken stop)
    {
        var i = 0;
        while (!stop.IsCancellationRequested)
        {
            var (path, body) = i++ % 2 == 0 ? ("substring/predict", Substring) : ("steady/predict", Plain);
            into.Add(await PostAsync(path, body));
        }
    }

    private async Task BlockedAsync(int wave)
    {
        var (ms, status) = await PostAsync("blocking/predict", Plain);
        _blocked.Add((ms, status, wave));
    }

    private async Task<(double Ms, int Status)> PostAsync(string path, string body)
    {
        var started = Stopwatch.GetTimestamp();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(path, content);
        await response.Content.LoadIntoBufferAsync();
        return (Stopwatch.GetElapsedTime(started).TotalMilliseconds, (int)response.StatusCode);
    }

    public void Print()
    {
        Console.WriteLine($"timeout {options.TimeoutSeconds} s, {options.Calls} + {options.Calls} calls to a script blocking its thread {options.SleepSeconds} s, "
            + $"{options.Clients} closed-loop clients on substring + steady");
        Report("other backends, before", _baseline);
        Report("other backends, during", _during.ToList());
        foreach (var group in _blocked.GroupBy(b => (b.Wave, b.Status)).OrderBy(g => g.Key))
        {
            var ms = group.Select(g => g.Ms).Order().ToArray();
            Console.WriteLine($"blocking, wave {group.Key.Wave}: {ms.Length} × {group.Key.Status}, answered after {ms[0]:F0}–{ms[^1]:F0} ms");
        }
    }

    private static void Report(string what, List<(double Ms, int Status)> samples)
    {
        var ms = samples.Select(s => s.Ms).Order().ToArray();
        if (ms.Length == 0)
        {
            Console.WriteLine($"{what}: no requests");
            return;
        }
        double P(double q) => ms[Math.Min(ms.Length - 1, (int)Math.Ceiling(q * ms.Length) - 1)];
        Console.WriteLine($"{what}: {ms.Length} requests, {samples.Count(s => s.Status != 200)} not 200, {ms.Count(m => m > 25)} over 25 ms, p50 {P(0.5):F2} ms, p99 {P(0.99):F2} ms, max {ms[^1]:F2} ms");
    }
}
