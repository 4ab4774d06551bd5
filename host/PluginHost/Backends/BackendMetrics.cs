using PluginHost.Metrics;

namespace PluginHost.Backends;

/// <summary>
/// A backend's predict metrics. Each call is recorded twice, both lock-free and allocation-free: on the OpenTelemetry
/// instruments (<see cref="BackendInstruments"/>, exported at <c>/metrics/prometheus</c>) and in a local log-bucket
/// histogram whose percentiles <c>GET /&lt;backend&gt;/metrics</c> and the status page show (Prometheus computes its own
/// from the exported buckets).
/// </summary>
public sealed class BackendMetrics(string backend)
{
    // Bucket i holds latencies up to Bound(i) microseconds: 1 µs × 1.25^i, up to ~10 minutes.
    private const int BucketCount = 96;
    private const double Growth = 1.25;
    private static readonly double LogGrowth = Math.Log(Growth);
    private readonly long[] _buckets = new long[BucketCount];
    private readonly KeyValuePair<string, object?> _backend = new("backend", backend);
    private readonly KeyValuePair<string, object?> _ok = new("outcome", "ok");
    private readonly KeyValuePair<string, object?> _error = new("outcome", "error");
    private readonly KeyValuePair<string, object?> _timeout = new("outcome", "timeout");
    private long _predictCalls;
    private long _tasks;
    private long _errors;
    private long _timeouts;

    public void RecordPredict(int tasks, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _predictCalls);
        Interlocked.Add(ref _tasks, tasks);
        var micros = Math.Max(1, elapsed.TotalMicroseconds);
        var index = Math.Clamp((int)Math.Ceiling(Math.Log(micros) / LogGrowth), 0, BucketCount - 1);
        Interlocked.Increment(ref _buckets[index]);
        BackendInstruments.Requests.Add(1, _backend, _ok);
        BackendInstruments.Tasks.Add(tasks, _backend);
        BackendInstruments.Duration.Record(elapsed.TotalSeconds, _backend);
    }

    public void RecordError()
    {
        Interlocked.Increment(ref _errors);
        BackendInstruments.Requests.Add(1, _backend, _error);
    }

    public void RecordTimeout()
    {
        Interlocked.Increment(ref _timeouts);
        BackendInstruments.Requests.Add(1, _backend, _timeout);
    }

    public BackendMetricsSnapshot Snapshot()
    {
        var counts = _buckets.Select(b => Volatile.Read(ref b)).ToArray();
        var total = counts.Sum();
        return new BackendMetricsSnapshot(
            Volatile.Read(ref _predictCalls), Volatile.Read(ref _tasks), Volatile.Read(ref _errors), Volatile.Read(ref _timeouts),
            Percentile(counts, total, 0.50), Percentile(counts, total, 0.95), Percentile(counts, total, 0.99));
    }

    /// <summary>The upper bound of the bucket holding the quantile, in milliseconds (null with no data).</summary>
    private static double? Percentile(long[] counts, long total, double quantile)
    {
        if (total == 0) return null;
        var rank = (long)Math.Ceiling(total * quantile);
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank) return Math.Round(Math.Pow(Growth, i) / 1000.0, 3);
        }
        return null;
    }
}
