using System.Text.Json.Serialization;

namespace PluginHost.Isolation;

/// <summary>The worker's configuration line (source-generated: no reflection at a worker's start).</summary>
[JsonSerializable(typeof(Dictionary<string, string?>))]
internal sealed partial class WorkerJsonContext : JsonSerializerContext;
