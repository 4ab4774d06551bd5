using System.Diagnostics.Metrics;

namespace PluginHost.Metrics;

/// <summary>Meter <c>PluginHost.Backends</c>: predict traffic per backend, and how long backends take to load or compile.</summary>
internal static class BackendInstruments
{
    private static readonly Meter Meter = new(HostMeters.Backends);

    /// <summary><c>pluginhost_predict_requests_total{backend,outcome="ok|error|timeout"}</c>.</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("pluginhost.predict.requests", "{request}",
        "Predict calls per backend and outcome (ok, error, timeout).");

    /// <summary><c>pluginhost_predict_tasks_total{backend}</c>: tasks in answered predict calls.</summary>
    public static readonly Counter<long> Tasks = Meter.CreateCounter<long>("pluginhost.predict.tasks", "{task}",
        "Tasks in answered predict calls.");

    /// <summary><c>pluginhost_predict_duration_seconds{backend}</c>: time inside the backend's PredictAsync of answered calls.</summary>
    public static readonly Histogram<double> Duration = Meter.CreateSeconds("pluginhost.predict.duration",
        "Time a backend took to answer a predict call.", HostMeters.LatencyBuckets);

    /// <summary><c>pluginhost_backend_load_duration_seconds{backend,kind="plugin|script"}</c>: plugin load or script compile + load.</summary>
    public static readonly Histogram<double> LoadDuration = Meter.CreateSeconds("pluginhost.backend.load.duration",
        "Time to load a plugin backend or to compile and load a script backend.", HostMeters.SlowBuckets);

    public static void RecordLoad(string backend, string kind, TimeSpan elapsed) =>
        LoadDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("backend", backend), new KeyValuePair<string, object?>("kind", kind));
}
