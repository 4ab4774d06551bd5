using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Sdk.Protocol;

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
