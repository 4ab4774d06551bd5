using System.Text.Json.Serialization;

namespace PluginHost.Cluster;

[JsonSerializable(typeof(ClusterMessage))]
[JsonSerializable(typeof(DeferredTraining))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
