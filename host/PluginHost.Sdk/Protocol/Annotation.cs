using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Sdk.Protocol;

/// <summary>An annotation (or a draft) of a task.</summary>
public sealed class Annotation
{
    public long? Id { get; init; }

    public List<AnnotationRegion> Result { get; init; } = new();

    public bool WasCancelled { get; init; }

    public bool GroundTruth { get; init; }

    /// <summary>The task id: Label Studio sends a number in webhooks.</summary>
    public JsonElement? Task { get; init; }

    public JsonElement? CompletedBy { get; init; }

    public string? CreatedAt { get; init; }

    public string? UpdatedAt { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The task id when <see cref="Task"/> is a number or an object with an id.</summary>
    public long? TaskId => Task switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var id) => id,
        { ValueKind: JsonValueKind.Object } o when o.TryGetProperty("id", out var i) && i.TryGetInt64(out var id) => id,
        _ => null,
    };
}
