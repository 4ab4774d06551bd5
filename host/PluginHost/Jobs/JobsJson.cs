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

/// <summary><c>202 {"job": id}</c>, plus where to follow it.</summary>
public sealed record JobStarted(string Job, string Status, string Url, string Events);

/// <summary><c>GET /&lt;backend&gt;/jobs</c>: the backend's prediction jobs, newest first.</summary>
public sealed record JobList(IReadOnlyList<PredictionJobInfo> Jobs);
