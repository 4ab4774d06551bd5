using System.Diagnostics.Metrics;

namespace PluginHost.Invocation;

/// <summary>Meter <c>PluginHost.Predict</c>: what the predict steps did — regions dropped, calls refused, bulkheads' load.</summary>
internal static class PredictInstruments
{
    public const string MeterName = "PluginHost.Predict";

    private static readonly Meter Meter = new(MeterName);

    /// <summary><c>pluginhost_predict_invalid_regions_total{backend,reason}</c>.</summary>
    private static readonly Counter<long> InvalidRegions = Meter.CreateCounter<long>("pluginhost.predict.invalid_regions", "{region}",
        "Regions a backend returned that Label Studio would reject, dropped from the answer (by reason).");

    /// <summary><c>pluginhost_predict_rejected_total{backend}</c>.</summary>
    private static readonly Counter<long> RejectedCalls = Meter.CreateCounter<long>("pluginhost.predict.rejected", "{request}",
        "Predict requests refused with 503 because the backend's bulkhead was full.");

    public static void Invalid(string backend, string reason, int regions) =>
        InvalidRegions.Add(regions, new KeyValuePair<string, object?>("backend", backend), new KeyValuePair<string, object?>("reason", reason));

    public static void Rejected(string backend) => RejectedCalls.Add(1, new KeyValuePair<string, object?>("backend", backend));

    /// <summary><c>pluginhost_predict_bulkhead_running{backend}</c> and <c>…_queued{backend}</c>, read when exported, on a
    /// meter of the host's own (disposed with it: a process may run several hosts, as the tests do).</summary>
    public static Meter ObserveBulkheads(Func<IEnumerable<KeyValuePair<string, BackendBulkhead>>> bulkheads)
    {
        var meter = new Meter(MeterName);
        meter.CreateObservableGauge("pluginhost.predict.bulkhead.running",
            () => bulkheads().Select(b => new Measurement<int>(b.Value.Running, new KeyValuePair<string, object?>("backend", b.Key))),
            "{call}", "Predict calls holding a slot of the backend's bulkhead (timed-out calls still running included).");
        meter.CreateObservableGauge("pluginhost.predict.bulkhead.queued",
            () => bulkheads().Select(b => new Measurement<int>(b.Value.Queued, new KeyValuePair<string, object?>("backend", b.Key))),
            "{call}", "Predict calls waiting for a slot of the backend's bulkhead.");
        return meter;
    }
}
