using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Sdk.Protocol;

/// <summary>A Label Studio task as serialized by <c>TaskSimpleSerializer</c> or <c>ExportDataSerializer</c>.
/// Only the fields backends use are typed; everything else is kept in <see cref="Extra"/>.</summary>
public sealed class LabelStudioTask
{
    public long Id { get; init; }

    /// <summary>The task data: keys are the <c>$variables</c> of the label config's object tags. Empty when the task has
    /// no <c>data</c>; null only when it says <c>"data": null</c>, which the host refuses with 400 before any backend runs.</summary>
    /// <remarks>A setter, not <c>init</c>: the source-generated deserializer would set a missing init-only property to null.</remarks>
    public Dictionary<string, JsonElement> Data { get; set; } = new();

    public JsonElement? Meta { get; init; }

    public List<Annotation>? Annotations { get; init; }

    public List<Annotation>? Drafts { get; init; }

    public List<JsonElement>? Predictions { get; init; }

    public ProjectRef? Project { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The data value under <paramref name="key"/> as text (a string as is, anything else as raw JSON).</summary>
    public string? GetData(string key)
    {
        if (!Data.TryGetValue(key, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        };
    }
}
