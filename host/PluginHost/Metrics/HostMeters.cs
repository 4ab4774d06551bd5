using System.Diagnostics.Metrics;

namespace PluginHost.Metrics;

/// <summary>
/// The host's meters. Every component records on a <see cref="System.Diagnostics.Metrics.Meter"/> named
/// <c>PluginHost.&lt;Area&gt;</c>; all of them (and plugins' own) are exported to Prometheus by the name pattern
/// <see cref="ExportPattern"/> (docs/operations.md lists the instruments).
/// </summary>
public static class HostMeters
{
    public const string ExportPattern = "PluginHost*";

    public const string Backends = "PluginHost.Backends";

    public const string Training = "PluginHost.Training";

    /// <summary>Latency buckets (seconds) from sub-millisecond interactive predictions to minute-long batches.</summary>
    internal static readonly IReadOnlyList<double> LatencyBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>Buckets (seconds) for loading, compiling and training: tens of milliseconds to an hour.</summary>
    internal static readonly IReadOnlyList<double> SlowBuckets =
        [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    /// <summary>A duration histogram in seconds (exported as <c>&lt;name&gt;_seconds</c>) with the given buckets.</summary>
    internal static Histogram<double> CreateSeconds(this Meter meter, string name, string description, IReadOnlyList<double> buckets) =>
        meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });
}
