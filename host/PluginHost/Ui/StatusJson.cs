using System.Text.Json.Serialization;
using PluginHost.Jobs;
using PluginHost.Training;

namespace PluginHost.Ui;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusState))]
[JsonSerializable(typeof(IReadOnlyList<TrainingJobInfo>))]
[JsonSerializable(typeof(IReadOnlyList<PredictionJobInfo>))]
internal sealed partial class StatusJson : JsonSerializerContext;
