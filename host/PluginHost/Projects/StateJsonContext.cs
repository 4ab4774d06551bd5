using System.Text.Json.Serialization;

namespace PluginHost.Projects;

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
