using PluginHost.Backends;
using PluginHost.Http;
using PluginHost.Jobs;
using PluginHost.Training;

namespace PluginHost.Ui;

/// <summary>What the status page shows: every backend, and the training and prediction jobs in memory.</summary>
public sealed record StatusState(DateTimeOffset Now, string? DefaultBackend, IReadOnlyList<StatusBackend> Backends, IReadOnlyList<TrainingJobInfo> Jobs,
    IReadOnlyList<PredictionJobInfo> PredictionJobs);

/// <summary>A backend's health, latency and (when it trains) every stored version of every project.</summary>
public sealed record StatusBackend(BackendHealth Health, bool Trainable, BackendMetricsSnapshot Metrics, IReadOnlyList<VersionInfo> Versions);
