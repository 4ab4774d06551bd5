using Microsoft.Extensions.Options;
using PluginHost.Jobs.Checkpoints;
using PluginHost.Jobs.LabelStudio;
using PluginHost.Sdk.Data;

namespace PluginHost.Jobs;

/// <summary>What a job run works with, in one bundle.</summary>
internal sealed class PredictionJobServices(
    LabelStudioTasksApi labelStudio,
    IBatchPredictor predictor,
    ITaskDataResolver taskData,
    IJobCheckpointStore store,
    JobMetrics metrics,
    InteractiveTraffic interactive,
    IOptions<JobSettings> settings,
    ILogger<PredictionJobRun> logger)
{
    public LabelStudioTasksApi LabelStudio { get; } = labelStudio;

    public IBatchPredictor Predictor { get; } = predictor;

    public ITaskDataResolver TaskData { get; } = taskData;

    public IJobCheckpointStore Store { get; } = store;

    public JobMetrics Metrics { get; } = metrics;

    public InteractiveTraffic Interactive { get; } = interactive;

    public JobSettings Settings { get; } = settings.Value;

    public ILogger Logger { get; } = logger;
}
