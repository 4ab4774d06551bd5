using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Sdk.Protocol;

/// <summary>What the annotator did: the regions drawn so far with a smart tool.</summary>
public sealed class InteractiveContext
{
    public long? AnnotationId { get; init; }

    public long? DraftId { get; init; }

    public long? UserId { get; init; }

    public List<AnnotationRegion>? Result { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
