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

/// <summary>A region as Label Studio sends it: inside annotations, drafts and an interactive <c>context.result</c>.</summary>
public sealed class AnnotationRegion
{
    public string? Id { get; init; }

    public string FromName { get; init; } = "";

    public string ToName { get; init; } = "";

    public string Type { get; init; } = "";

    public string? Origin { get; init; }

    public JsonElement Value { get; init; }

    public double? Score { get; init; }

    public int? OriginalWidth { get; init; }

    public int? OriginalHeight { get; init; }

    public double? ImageRotation { get; init; }

    /// <summary>Relations carry these instead of a value.</summary>
    public string? FromId { get; init; }

    public string? ToId { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The labels of the region: <c>value[type]</c> (e.g. <c>value.labels</c>, <c>value.rectanglelabels</c>,
    /// <c>value.choices</c>), falling back to <c>value.labels</c>.</summary>
    public IReadOnlyList<string> GetLabels()
    {
        if (Value.ValueKind != JsonValueKind.Object) return [];
        if (!Value.TryGetProperty(Type, out var labels) && !Value.TryGetProperty("labels", out labels)) return [];
        if (labels.ValueKind != JsonValueKind.Array) return [];
        var list = new List<string>(labels.GetArrayLength());
        foreach (var item in labels.EnumerateArray())
            if (item.ValueKind == JsonValueKind.String) list.Add(item.GetString()!);
        return list;
    }

    public double? GetNumber(string key) =>
        Value.ValueKind == JsonValueKind.Object && Value.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    public string? GetString(string key) =>
        Value.ValueKind == JsonValueKind.Object && Value.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The character span of a <c>labels</c>-type region, when it has one.</summary>
    public (int Start, int End, string? Text)? GetSpan()
    {
        var start = GetNumber("start");
        var end = GetNumber("end");
        if (start is null || end is null) return null;
        return ((int)start.Value, (int)end.Value, GetString("text"));
    }
}
