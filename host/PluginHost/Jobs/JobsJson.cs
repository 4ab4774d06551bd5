using System.Text.Json.Serialization;
using PluginHost.Jobs.Checkpoints;
using PluginHost.Jobs.LabelStudio;

namespace PluginHost.Jobs;

/// <summary>The JSON of prediction jobs: API bodies, checkpoints and Label Studio's task pages and imports (snake_case,
/// tolerant reading as the protocol's).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(PredictionJobRequest))]
[JsonSerializable(typeof(PredictionJobInfo))]
[JsonSerializable(typeof(JobList))]
[JsonSerializable(typeof(JobStarted))]
[JsonSerializable(typeof(PredictionJobRecord))]
[JsonSerializable(typeof(CheckpointEntry))]
[JsonSerializable(typeof(TaskPage))]
[JsonSerializable(typeof(PluginHost.Sdk.Protocol.LabelStudioTask))]
[JsonSerializable(typeof(List<ImportedPrediction>))]
internal sealed partial class JobsJson : JsonSerializerContext;
