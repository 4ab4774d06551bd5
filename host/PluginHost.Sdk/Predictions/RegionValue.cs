namespace PluginHost.Sdk.Predictions;

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
