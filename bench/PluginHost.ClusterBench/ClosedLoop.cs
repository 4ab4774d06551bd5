using System.Diagnostics;

namespace PluginHost.ClusterBench;

/// <summary>A closed-loop load: <c>concurrency</c> workers each send the next request as soon as the previous answered.</summary>
internal static class ClosedLoop
{
    public static async Task<(double RequestsPerSecond, double P50Ms, double P95Ms, int Failures)> RunAsync(
        HttpClient client, string path, byte[] body, int concurrency, TimeSpan duration)
    {
        var latencies = new List<double>[concurrency];
        var failures = new int[concurrency];
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var mine = latencies[worker] = new List<double>(1 << 15);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var t0 = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/json");
                try
                {
                    using var response = await client.PostAsync(path, content).ConfigureAwait(false);
                    await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode) failures[worker]++;
                }
                catch (HttpRequestException)
                {
                    failures[worker]++;
                }
                mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return (all.Length / elapsed, Stats.Percentile(all, 0.50), Stats.Percentile(all, 0.95), failures.Sum());
    }
}
