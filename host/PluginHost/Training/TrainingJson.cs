using System.Text.Json.Serialization;

namespace PluginHost.Training;

[JsonSerializable(typeof(string))]
internal sealed partial class TrainingJson : JsonSerializerContext;
