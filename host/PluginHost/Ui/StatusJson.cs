using System.Text.Json.Serialization;
using PluginHost.Training;

namespace PluginHost.Ui;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StatusState))]
[JsonSerializable(typeof(IReadOnlyList<TrainingJobInfo>))]
internal sealed partial class StatusJson : JsonSerializerContext;
