using System.Text.Json.Serialization;

namespace PluginHost.Cluster;

/// <summary>
/// What one replica tells the others over Redis pub/sub. Messages only say that something changed; the receiver
/// reads the new state from Redis (a lost message is healed by the next read, a duplicate does no harm).
/// </summary>
/// <param name="Kind">What changed: <see cref="ClusterMessageKinds"/>.</param>
/// <param name="Sender">The replica that published it (a replica ignores its own messages).</param>
public sealed record ClusterMessage(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("sender")] string Sender,
    [property: JsonPropertyName("backend")] string? Backend = null,
    [property: JsonPropertyName("project")] string? Project = null,
    [property: JsonPropertyName("version")] string? Version = null);
