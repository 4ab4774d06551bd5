using System.Diagnostics.Metrics;

namespace PluginHost.Metrics;

/// <summary>Meter <c>PluginHost.Training</c>: training jobs, trained-model loads and version swaps, per backend.</summary>
internal static class TrainingInstruments
{
    private static readonly Meter Meter = new(HostMeters.Training);

    /// <summary><c>pluginhost_training_jobs_queued_total{backend}</c>.</summary>
    public static readonly Counter<long> Queued = Meter.CreateCounter<long>("pluginhost.training.jobs.queued", "{job}", "Training jobs queued.");

    /// <summary><c>pluginhost_training_jobs_running{backend}</c>.</summary>
    public static readonly UpDownCounter<long> Running = Meter.CreateUpDownCounter<long>("pluginhost.training.jobs.running", "{job}", "Training jobs running now.");

    /// <summary><c>pluginhost_training_jobs_finished_total{backend,outcome="succeeded|failed|cancelled"}</c>.</summary>
    public static readonly Counter<long> Finished = Meter.CreateCounter<long>("pluginhost.training.jobs.finished", "{job}", "Training jobs finished, by outcome.");

    /// <summary><c>pluginhost_training_duration_seconds{backend,outcome}</c>: from start to outcome (data, training, activation).</summary>
    public static readonly Histogram<double> Duration = Meter.CreateSeconds("pluginhost.training.duration",
        "Run time of training jobs, from start to outcome.", HostMeters.SlowBuckets);

    /// <summary><c>pluginhost_model_load_duration_seconds{backend}</c>: a trained version's LoadAsync.</summary>
    public static readonly Histogram<double> ModelLoad = Meter.CreateSeconds("pluginhost.model.load.duration",
        "Time to load a trained model version.", HostMeters.SlowBuckets);

    /// <summary><c>pluginhost_model_activations_total{backend,outcome="ok|failed"}</c>: hot swaps to a new or earlier version.</summary>
    public static readonly Counter<long> Activations = Meter.CreateCounter<long>("pluginhost.model.activations", "{activation}",
        "Model version swaps (after training, or a rollback), by outcome.");

    public static KeyValuePair<string, object?> Backend(string backend) => new("backend", backend);

    public static KeyValuePair<string, object?> Outcome(string outcome) => new("outcome", outcome);
}
