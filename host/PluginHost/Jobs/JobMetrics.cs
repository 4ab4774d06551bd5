using System.Diagnostics.Metrics;

namespace PluginHost.Jobs;

/// <summary>Prediction-job metrics on the <c>PluginHost.Jobs</c> meter (exported with every <c>PluginHost*</c> meter).</summary>
public sealed class JobMetrics : IDisposable
{
    public const string MeterName = "PluginHost.Jobs";

    private readonly Meter _meter;
    private readonly Counter<long> _tasks;
    private readonly Counter<long> _droppedRegions;
    private readonly Counter<long> _imports;
    private readonly Histogram<double> _batchSeconds;
    private int _running;

    public JobMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _tasks = _meter.CreateCounter<long>("pluginhost.jobs.tasks", "{task}", "Tasks a prediction job settled, by outcome (predicted, skipped, failed).");
        _droppedRegions = _meter.CreateCounter<long>("pluginhost.jobs.dropped_regions", "{region}", "Regions dropped because Label Studio would reject them.");
        _imports = _meter.CreateCounter<long>("pluginhost.jobs.imports", "{request}", "Bulk imports of predictions posted to Label Studio.");
        _batchSeconds = _meter.CreateHistogram<double>("pluginhost.jobs.batch.duration", "s", "One batch: data, predict, validate and import.");
        _meter.CreateObservableGauge("pluginhost.jobs.running", () => Volatile.Read(ref _running), "{job}", "Prediction jobs running now.");
    }

    public void Tasks(string backend, string outcome, int count)
    {
        if (count > 0) _tasks.Add(count, new KeyValuePair<string, object?>("backend", backend), new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void DroppedRegions(string backend, int count)
    {
        if (count > 0) _droppedRegions.Add(count, new KeyValuePair<string, object?>("backend", backend));
    }

    public void Imported(string backend) => _imports.Add(1, new KeyValuePair<string, object?>("backend", backend));

    public void Batch(string backend, TimeSpan duration) => _batchSeconds.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("backend", backend));

    public void JobStarted() => Interlocked.Increment(ref _running);

    public void JobEnded() => Interlocked.Decrement(ref _running);

    public void Dispose() => _meter.Dispose();
}
