using System.Text.Json.Serialization;

namespace PluginHost.Sdk.Predictions;

/// <summary>
/// One region of a prediction (protocol.md §2). Build it with <see cref="Regions"/> rather than by hand:
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

/// <summary>
/// The <c>value</c> of a region. Only the members that apply to the region's type are set; the rest stay null
/// and are not serialized. The label list is written under <see cref="LabelsKey"/> (e.g. <c>rectanglelabels</c>).
/// </summary>
public sealed class RegionValue
{
    public string? LabelsKey { get; init; }

    public IReadOnlyList<string>? Labels { get; init; }

    // Text spans.
    public int? Start { get; init; }
    public int? End { get; init; }
    public string? Text { get; init; }

    /// <summary>Written as a string <c>start</c>: the XPath of a HyperText span or the paragraph index of a Paragraphs span.</summary>
    public string? StartOffsetPath { get; init; }

    /// <summary>Written as a string <c>end</c> (see <see cref="StartOffsetPath"/>).</summary>
    public string? EndOffsetPath { get; init; }
    public int? StartOffset { get; init; }
    public int? EndOffset { get; init; }

    // Image geometry, in percent of the original size.
    public double? X { get; init; }
    public double? Y { get; init; }
    public double? Width { get; init; }
    public double? Height { get; init; }
    public double? Rotation { get; init; }
    public double? RadiusX { get; init; }
    public double? RadiusY { get; init; }
    public IReadOnlyList<(double X, double Y)>? Points { get; init; }
    public bool? Closed { get; init; }

    // Brush.
    public string? Format { get; init; }
    public IReadOnlyList<int>? Rle { get; init; }

    // Classification-like controls.
    public IReadOnlyList<string>? Choices { get; init; }
    public IReadOnlyList<string>? TextLines { get; init; }
    public IReadOnlyList<IReadOnlyList<string>>? Taxonomy { get; init; }
    public double? Rating { get; init; }
    public double? Number { get; init; }
    public string? DateTime { get; init; }
    /// <summary>Written as <c>rank</c>; kept for compatibility. Label Studio's <c>Ranker</c> writes <see cref="Ranker"/>.</summary>
    public IReadOnlyList<string>? Rank { get; init; }

    /// <summary>Written as <c>ranker: {"&lt;name or bucket&gt;": [ids…]}</c>, the shape Label Studio's Ranker saves.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Ranker { get; init; }
    public string? Selected { get; init; }

    // Time series and timelines.
    public double? SeriesStart { get; init; }
    public double? SeriesEnd { get; init; }
    public bool? Instant { get; init; }
    public IReadOnlyList<(double Start, double End)>? Ranges { get; init; }

    // Video.
    public int? FramesCount { get; init; }
    public double? Duration { get; init; }
    public IReadOnlyList<VideoKeyframe>? Sequence { get; init; }
}

/// <summary>One keyframe of a <c>videorectangle</c> sequence.</summary>
public sealed record VideoKeyframe(int Frame, bool Enabled, double X, double Y, double Width, double Height, double Time, double Rotation = 0);
