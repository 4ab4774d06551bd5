using System.Text.Json.Serialization;

namespace PluginHost.Sdk.Predictions;

/// <summary>
/// One region of a prediction (docs/protocol.md §2). Build it with <see cref="Regions"/> rather than by hand:
/// the builders set <see cref="Type"/> and the value's label key consistently.
/// </summary>
[JsonConverter(typeof(RegionJsonConverter))]
public sealed class Region
{
    /// <summary>Needed by relations, per-region TextAreas and grouping.</summary>
    public string? Id { get; init; }

    /// <summary>The control's name. Empty for relations, which Label Studio writes without it.</summary>
    public required string FromName { get; init; }

    /// <summary>The object's name. Empty for relations.</summary>
    public required string ToName { get; init; }

    /// <summary>The control tag, lowercased: <c>choices</c>, <c>labels</c>, <c>rectanglelabels</c>, <c>relation</c>…</summary>
    public required string Type { get; init; }

    public RegionValue? Value { get; init; }

    public double? Score { get; init; }

    /// <summary><c>prediction</c> or <c>manual</c>.</summary>
    public string? Origin { get; init; }

    public bool? Readonly { get; init; }

    public bool? Hidden { get; init; }

    /// <summary>Serialized as <c>parentID</c>: a keypoint pointing to its bounding box.</summary>
    public string? ParentId { get; init; }

    public int? OriginalWidth { get; init; }

    public int? OriginalHeight { get; init; }

    public double? ImageRotation { get; init; }

    /// <summary>Relation endpoints (type <c>relation</c>, no value).</summary>
    public string? FromId { get; init; }

    public string? ToId { get; init; }

    /// <summary><c>right</c>, <c>left</c> or <c>bi</c>.</summary>
    public string? Direction { get; init; }

    /// <summary>Relation labels.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Serialized as <c>meta: {"text": [...]}</c>.</summary>
    public IReadOnlyList<string>? MetaText { get; init; }
}
