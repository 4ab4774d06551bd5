using System.Text.Json.Serialization;

namespace PluginHost.Cluster;

[JsonSerializable(typeof(ClusterMessage))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
