using System.Globalization;

namespace PluginHost.Sdk.Predictions;

/// <summary>
/// Typed builders for every region type Label Studio accepts (docs/protocol.md §2). Coordinates of image regions are
/// percentages (0–100) of the original image; text spans are character offsets into the task text.
/// Every builder checks its input and throws <see cref="ArgumentException"/> naming the bad argument, so a
/// prediction built here passes Label Studio's validation. A null <c>id</c> gets a fresh random one.
/// </summary>
public static class Regions
{
    // ---- Text -------------------------------------------------------------------------------------------------

    /// <summary>A text span of a <c>Labels</c> control (type <c>labels</c>): character offsets <c>[start, end)</c>.</summary>
    public static Region Span(string fromName, string toName, int start, int end, string text, IReadOnlyList<string> labels,
        double? score = null, string? id = null, string type = "labels")
    {
        RegionGuard.Name("labels", type, nameof(type));
        RegionGuard.Names(type, fromName, toName);
        if (start < 0 || end < start)
            throw new ArgumentException($"A {type} span needs 0 <= start <= end, not start={start}, end={end}.", nameof(start));
        return Simple(type, fromName, toName, score, id,
            new RegionValue { Start = start, End = end, Text = text, LabelsKey = type, Labels = RegionGuard.Labels(type, labels) });
    }

    /// <summary>
    /// A span of a <c>HyperTextLabels</c> control: from character <paramref name="startOffset"/> of the text node at
    /// XPath <paramref name="startXPath"/> (e.g. <c>/p[1]/text()[1]</c>) to <paramref name="endOffset"/> of <paramref name="endXPath"/>.
    /// </summary>
    public static Region HyperTextSpan(string fromName, string toName, string startXPath, int startOffset, string endXPath, int endOffset,
        string text, IReadOnlyList<string> labels, double? score = null, string? id = null)
    {
        const string type = "hypertextlabels";
        RegionGuard.Names(type, fromName, toName);
        RegionGuard.Name(type, startXPath, nameof(startXPath));
        RegionGuard.Name(type, endXPath, nameof(endXPath));
        Offsets(type, startOffset, endOffset);
        if (startXPath == endXPath && endOffset < startOffset)
            throw new ArgumentException($"A {type} span within one node needs startOffset <= endOffset, not {startOffset} > {endOffset}.", nameof(endOffset));
        return OffsetSpan(type, fromName, toName, startXPath, startOffset, endXPath, endOffset, text, labels, score, id);
    }

    /// <summary>
    /// A span of a <c>ParagraphLabels</c> control: from character <paramref name="startOffset"/> of paragraph
    /// <paramref name="startParagraph"/> to <paramref name="endOffset"/> of <paramref name="endParagraph"/> (0-based
    /// indexes, written as strings as the Label Studio editor does).
    /// </summary>
    public static Region ParagraphSpan(string fromName, string toName, int startParagraph, int startOffset, int endParagraph, int endOffset,
        string text, IReadOnlyList<string> labels, double? score = null, string? id = null)
    {
        const string type = "paragraphlabels";
        RegionGuard.Names(type, fromName, toName);
        if (startParagraph < 0 || endParagraph < startParagraph)
            throw new ArgumentException($"A {type} span needs 0 <= startParagraph <= endParagraph, not {startParagraph}..{endParagraph}.", nameof(startParagraph));
        Offsets(type, startOffset, endOffset);
        if (startParagraph == endParagraph && endOffset < startOffset)
            throw new ArgumentException($"A {type} span within one paragraph needs startOffset <= endOffset, not {startOffset} > {endOffset}.", nameof(endOffset));
        return OffsetSpan(type, fromName, toName, startParagraph.ToString(CultureInfo.InvariantCulture), startOffset,
            endParagraph.ToString(CultureInfo.InvariantCulture), endOffset, text, labels, score, id);
    }

    // ---- Classification-like controls -------------------------------------------------------------------------

    /// <summary>A <c>Choices</c> answer for the whole object.</summary>
    public static Region Choices(string fromName, string toName, IReadOnlyList<string> choices, double? score = null, string? id = null)
    {
        const string type = "choices";
        RegionGuard.Names(type, fromName, toName);
        return Simple(type, fromName, toName, score, id, new RegionValue { Choices = RegionGuard.Labels(type, choices, nameof(choices)) });
    }

    /// <summary>A <c>Taxonomy</c> answer: each path runs from a root to the selected node, e.g. <c>[["Animal","Cat"]]</c>.</summary>
    public static Region Taxonomy(string fromName, string toName, IReadOnlyList<IReadOnlyList<string>> paths, double? score = null, string? id = null)
    {
        const string type = "taxonomy";
        RegionGuard.Names(type, fromName, toName);
        if (paths is null || paths.Count == 0) throw new ArgumentException($"A {type} region needs at least one path.", nameof(paths));
        for (var i = 0; i < paths.Count; i++) RegionGuard.Labels(type, paths[i], $"paths[{i}]");
        return Simple(type, fromName, toName, score, id, new RegionValue { Taxonomy = paths });
    }

    /// <summary>A <c>TextArea</c> answer for the whole object (one string per line the annotator would enter).</summary>
    public static Region TextArea(string fromName, string toName, IReadOnlyList<string> text, double? score = null, string? id = null)
    {
        const string type = "textarea";
        RegionGuard.Names(type, fromName, toName);
        return Simple(type, fromName, toName, score, id, new RegionValue { TextLines = Texts(type, text) });
    }

    /// <summary>
    /// A per-region <c>TextArea</c> (<c>perRegion="true"</c>), e.g. the OCR transcription of a box: it reuses the
    /// shape's id, object and image size, and repeats its geometry, as Label Studio links the two by id.
    /// </summary>
    public static Region TextArea(string fromName, Region shape, IReadOnlyList<string> text, double? score = null)
    {
        const string type = "textarea";
        ArgumentNullException.ThrowIfNull(shape);
        RegionGuard.Name(type, fromName, nameof(fromName));
        if (shape.Type == "relation") throw new ArgumentException("A per-region textarea needs a shape region, not a relation.", nameof(shape));
        if (string.IsNullOrWhiteSpace(shape.Id))
            throw new ArgumentException("A per-region textarea reuses its shape's id, but the shape has none.", nameof(shape));
        var g = shape.Value ?? new RegionValue();
        return new Region
        {
            Id = shape.Id,
            FromName = fromName,
            ToName = shape.ToName,
            Type = type,
            Score = RegionGuard.Score(type, score),
            OriginalWidth = shape.OriginalWidth,
            OriginalHeight = shape.OriginalHeight,
            ImageRotation = shape.ImageRotation,
            Value = new RegionValue
            {
                X = g.X, Y = g.Y, Width = g.Width, Height = g.Height, Rotation = g.Rotation, RadiusX = g.RadiusX, RadiusY = g.RadiusY,
                Points = g.Points, Closed = g.Closed,
                Start = g.Start, End = g.End, StartOffsetPath = g.StartOffsetPath, EndOffsetPath = g.EndOffsetPath,
                StartOffset = g.StartOffset, EndOffset = g.EndOffset, SeriesStart = g.SeriesStart, SeriesEnd = g.SeriesEnd,
                TextLines = Texts(type, text),
            },
        };
    }

    /// <summary>A <c>Rating</c> answer (0 up to the control's <c>maxRating</c>, 5 by default).</summary>
    public static Region Rating(string fromName, string toName, int rating, double? score = null, string? id = null)
    {
        const string type = "rating";
        RegionGuard.Names(type, fromName, toName);
        if (rating < 0) throw new ArgumentException($"A {type} must not be negative, not {rating}.", nameof(rating));
        return Simple(type, fromName, toName, score, id, new RegionValue { Rating = rating });
    }

    /// <summary>A <c>Number</c> answer.</summary>
    public static Region Number(string fromName, string toName, double number, double? score = null, string? id = null)
    {
        const string type = "number";
        RegionGuard.Names(type, fromName, toName);
        RegionGuard.Finite(type, nameof(number), number);
        return Simple(type, fromName, toName, score, id, new RegionValue { Number = number });
    }

    /// <summary>
    /// A <c>DateTime</c> answer, as the editor writes it for the control's <c>only</c> setting:
    /// <c>2024-03-20T20:50</c>, <c>2024-03-20</c> (only="date"), <c>20:50</c> (only="time"), <c>2024</c> (only="year")…
    /// </summary>
    public static Region DateTime(string fromName, string toName, string value, double? score = null, string? id = null)
    {
        const string type = "datetime";
        RegionGuard.Names(type, fromName, toName);
        RegionGuard.Name(type, value, nameof(value));
        return Simple(type, fromName, toName, score, id, new RegionValue { DateTime = value });
    }

    /// <summary>A <c>DateTime</c> answer from a date and time, written <c>yyyy-MM-ddTHH:mm</c> (the editor's default format).</summary>
    public static Region DateTime(string fromName, string toName, System.DateTime value, double? score = null, string? id = null) =>
        DateTime(fromName, toName, value.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture), score, id);

    /// <summary>
    /// A <c>Ranker</c> answer without buckets: the List item ids in their new order. Label Studio saves it as
    /// <c>{"ranker": {"&lt;ranker name&gt;": [ids…]}}</c>.
    /// </summary>
    public static Region Ranker(string fromName, string toName, IReadOnlyList<string> rankedIds, double? score = null, string? id = null) =>
        Ranker(fromName, toName, new Dictionary<string, IReadOnlyList<string>> { [fromName ?? ""] = rankedIds }, score, id);

    /// <summary>A <c>Ranker</c> answer with <c>Bucket</c>s: bucket name → the item ids in it, in order.</summary>
    public static Region Ranker(string fromName, string toName, IReadOnlyDictionary<string, IReadOnlyList<string>> buckets, double? score = null, string? id = null)
    {
        const string type = "ranker";
        RegionGuard.Names(type, fromName, toName);
        if (buckets is null || buckets.Count == 0) throw new ArgumentException($"A {type} region needs at least one list of ids.", nameof(buckets));
        foreach (var (bucket, ids) in buckets)
        {
            RegionGuard.Name(type, bucket, "bucket name");
            RegionGuard.Labels(type, ids, $"buckets[\"{bucket}\"]", allowEmpty: true);
        }
        return Simple(type, fromName, toName, score, id, new RegionValue { Ranker = buckets });
    }

    /// <summary>
    /// A <c>Pairwise</c> answer: <c>left</c> or <c>right</c>. Label Studio writes the control's own name as
    /// <c>to_name</c> (the control compares two objects), which is the default here.
    /// </summary>
    public static Region Pairwise(string fromName, string selected, string? toName = null, double? score = null, string? id = null)
    {
        const string type = "pairwise";
        RegionGuard.Name(type, fromName, nameof(fromName));
        if (selected is not ("left" or "right"))
            throw new ArgumentException($"A {type} selection must be \"left\" or \"right\", not \"{selected}\".", nameof(selected));
        toName ??= fromName;
        RegionGuard.Name(type, toName, nameof(toName));
        return Simple(type, fromName, toName, score, id, new RegionValue { Selected = selected });
    }

    // ---- Image ------------------------------------------------------------------------------------------------

    /// <summary>A <c>RectangleLabels</c> box in percent of the image (see <see cref="ImageSize.ToPercent"/> for pixels).</summary>
    public static Region Rectangle(string fromName, string toName, ImageSize image, (double X, double Y, double Width, double Height) box, IReadOnlyList<string> labels,
        double rotation = 0, double? score = null, string? id = null)
    {
        const string type = "rectanglelabels";
        RegionGuard.Names(type, fromName, toName);
        var x = RegionGuard.Percent(type, "x", box.X);
        var y = RegionGuard.Percent(type, "y", box.Y);
        var width = RegionGuard.Percent(type, "width", box.Width);
        var height = RegionGuard.Percent(type, "height", box.Height);
        rotation = RegionGuard.Rotation(type, rotation);
        if (rotation == 0)
        {
            // An unrotated box must end inside the image; clamp float drift at the right and bottom edges.
            width = RegionGuard.Percent(type, "x + width", x + width) - x;
            height = RegionGuard.Percent(type, "y + height", y + height) - y;
        }
        return Image(type, fromName, toName, image, score, id, new RegionValue
        {
            X = x, Y = y, Width = width, Height = height, Rotation = rotation,
            LabelsKey = type, Labels = RegionGuard.Labels(type, labels),
        });
    }

    /// <summary>A <c>RectangleLabels</c> box from its top-left corner, width and height in percent.</summary>
    public static Region Rectangle(string fromName, string toName, ImageSize image, double x, double y, double width, double height,
        IReadOnlyList<string> labels, double rotation = 0, double? score = null, string? id = null) =>
        Rectangle(fromName, toName, image, (x, y, width, height), labels, rotation, score, id);

    /// <summary>A <c>PolygonLabels</c> polygon: at least three points in percent of the image.</summary>
    public static Region Polygon(string fromName, string toName, ImageSize image, IReadOnlyList<(double X, double Y)> points,
        IReadOnlyList<string> labels, bool closed = true, double? score = null, string? id = null)
    {
        const string type = "polygonlabels";
        RegionGuard.Names(type, fromName, toName);
        if (points is null || points.Count < 3)
            throw new ArgumentException($"A {type} region needs at least 3 points, not {points?.Count ?? 0}.", nameof(points));
        var clean = new (double X, double Y)[points.Count];
        for (var i = 0; i < points.Count; i++)
            clean[i] = (RegionGuard.Percent(type, $"points[{i}].X", points[i].X), RegionGuard.Percent(type, $"points[{i}].Y", points[i].Y));
        return Image(type, fromName, toName, image, score, id, new RegionValue
        {
            Points = clean, Closed = closed, LabelsKey = type, Labels = RegionGuard.Labels(type, labels),
        });
    }

    /// <summary>
    /// A <c>KeyPointLabels</c> point in percent of the image. <paramref name="pointWidth"/> is the drawn size in
    /// percent; <paramref name="parentId"/> links the point to its box (YOLO pose).
    /// </summary>
    public static Region KeyPoint(string fromName, string toName, ImageSize image, double x, double y, IReadOnlyList<string> labels,
        double? pointWidth = null, double? score = null, string? id = null, string? parentId = null)
    {
        const string type = "keypointlabels";
        RegionGuard.Names(type, fromName, toName);
        if (parentId is not null) RegionGuard.Name(type, parentId, nameof(parentId));
        var region = Image(type, fromName, toName, image, score, id, new RegionValue
        {
            X = RegionGuard.Percent(type, "x", x),
            Y = RegionGuard.Percent(type, "y", y),
            Width = pointWidth is { } w ? RegionGuard.Percent(type, nameof(pointWidth), w) : null,
            LabelsKey = type,
            Labels = RegionGuard.Labels(type, labels),
        });
        return parentId is null ? region : With(region, parentId);
    }

    /// <summary>An <c>EllipseLabels</c> ellipse: centre and radii in percent (radii at most 50, as Label Studio checks).</summary>
    public static Region Ellipse(string fromName, string toName, ImageSize image, double x, double y, double radiusX, double radiusY,
        IReadOnlyList<string> labels, double rotation = 0, double? score = null, string? id = null)
    {
        const string type = "ellipselabels";
        RegionGuard.Names(type, fromName, toName);
        return Image(type, fromName, toName, image, score, id, new RegionValue
        {
            X = RegionGuard.Percent(type, "x", x),
            Y = RegionGuard.Percent(type, "y", y),
            RadiusX = RegionGuard.Percent(type, nameof(radiusX), radiusX, max: 50),
            RadiusY = RegionGuard.Percent(type, nameof(radiusY), radiusY, max: 50),
            Rotation = RegionGuard.Rotation(type, rotation),
            LabelsKey = type,
            Labels = RegionGuard.Labels(type, labels),
        });
    }

    /// <summary>
    /// A <c>BrushLabels</c> mask: one byte per pixel of the original image, row by row; any non-zero pixel is painted.
    /// Encoded with <see cref="BrushRle.EncodeBinaryMask"/>.
    /// </summary>
    public static Region Brush(string fromName, string toName, ImageSize image, ReadOnlySpan<byte> mask, IReadOnlyList<string> labels,
        double? score = null, string? id = null)
    {
        const string type = "brushlabels";
        RegionGuard.Names(type, fromName, toName);
        if ((long)image.Width * image.Height != mask.Length)
            throw new ArgumentException($"A {type} mask needs {(long)image.Width * image.Height} bytes for a {image.Width}x{image.Height} image, not {mask.Length}.", nameof(mask));
        return Brush(fromName, toName, image, BrushRle.EncodeBinaryMask(mask, image.Width, image.Height), labels, score, id);
    }

    /// <summary>A <c>BrushLabels</c> mask already encoded as Label Studio RLE (see <see cref="BrushRle"/>).</summary>
    public static Region Brush(string fromName, string toName, ImageSize image, IReadOnlyList<int> rle, IReadOnlyList<string> labels,
        double? score = null, string? id = null)
    {
        const string type = "brushlabels";
        RegionGuard.Names(type, fromName, toName);
        if (rle is null || rle.Count == 0) throw new ArgumentException($"A {type} region needs a non-empty RLE.", nameof(rle));
        for (var i = 0; i < rle.Count; i++)
            if (rle[i] is < 0 or > 255) throw new ArgumentException($"A {type} RLE holds bytes, but item {i} is {rle[i]}.", nameof(rle));
        return Image(type, fromName, toName, image, score, id, new RegionValue
        {
            Format = "rle", Rle = rle, LabelsKey = type, Labels = RegionGuard.Labels(type, labels),
        });
    }

    // ---- Time series, audio and video -------------------------------------------------------------------------

    /// <summary>A <c>TimeSeriesLabels</c> range on the time axis (<paramref name="instant"/> for a single point).</summary>
    public static Region TimeSeriesSpan(string fromName, string toName, double start, double end, IReadOnlyList<string> labels,
        bool instant = false, double? score = null, string? id = null)
    {
        const string type = "timeserieslabels";
        RegionGuard.Names(type, fromName, toName);
        RegionGuard.Finite(type, nameof(start), start);
        RegionGuard.Finite(type, nameof(end), end);
        if (end < start) throw new ArgumentException($"A {type} range needs start <= end, not {start} > {end}.", nameof(end));
        if (instant && start != end) throw new ArgumentException($"An instant {type} region needs start == end, not {start} and {end}.", nameof(instant));
        return Simple(type, fromName, toName, score, id, new RegionValue
        {
            SeriesStart = start, SeriesEnd = end, Instant = instant, LabelsKey = type, Labels = RegionGuard.Labels(type, labels),
        });
    }

    /// <summary>
    /// A <c>VideoRectangle</c> track: keyframes in percent of the frame, frames 1-based. Label Studio interpolates
    /// between enabled keyframes; give the last keyframe <c>Enabled = false</c> to end the track there.
    /// <paramref name="labels"/> are those of the companion <c>Labels</c> control (may be empty).
    /// </summary>
    public static Region VideoRectangle(string fromName, string toName, int framesCount, double duration, IReadOnlyList<VideoKeyframe> sequence,
        IReadOnlyList<string> labels, double? score = null, string? id = null)
    {
        const string type = "videorectangle";
        RegionGuard.Names(type, fromName, toName);
        if (framesCount <= 0) throw new ArgumentException($"A {type} region needs a positive framesCount, not {framesCount}.", nameof(framesCount));
        if (!double.IsFinite(duration) || duration <= 0) throw new ArgumentException($"A {type} region needs a positive duration in seconds, not {duration}.", nameof(duration));
        if (sequence is null || sequence.Count == 0) throw new ArgumentException($"A {type} region needs at least one keyframe.", nameof(sequence));
        var clean = new VideoKeyframe[sequence.Count];
        for (var i = 0; i < sequence.Count; i++)
        {
            var f = sequence[i] ?? throw new ArgumentException($"A {type} keyframe sequence[{i}] is null.", nameof(sequence));
            if (f.Frame < 1 || f.Frame > framesCount)
                throw new ArgumentException($"A {type} keyframe sequence[{i}] is frame {f.Frame}, outside 1–{framesCount}.", nameof(sequence));
            if (i > 0 && f.Frame <= sequence[i - 1].Frame)
                throw new ArgumentException($"A {type} keyframe sequence must be in increasing frame order; sequence[{i}] is frame {f.Frame} after {sequence[i - 1].Frame}.", nameof(sequence));
            if (!double.IsFinite(f.Time) || f.Time < 0)
                throw new ArgumentException($"A {type} keyframe sequence[{i}] has time {f.Time}; it must be a non-negative number of seconds.", nameof(sequence));
            clean[i] = f with
            {
                X = RegionGuard.Percent(type, $"sequence[{i}].X", f.X),
                Y = RegionGuard.Percent(type, $"sequence[{i}].Y", f.Y),
                Width = RegionGuard.Percent(type, $"sequence[{i}].Width", f.Width),
                Height = RegionGuard.Percent(type, $"sequence[{i}].Height", f.Height),
                Rotation = RegionGuard.Rotation(type, f.Rotation, $"sequence[{i}].Rotation"),
            };
        }
        return Simple(type, fromName, toName, score, id, new RegionValue
        {
            FramesCount = framesCount, Duration = duration, Sequence = clean,
            LabelsKey = "labels", Labels = RegionGuard.Labels(type, labels, allowEmpty: true),
        });
    }

    /// <summary>A <c>TimelineLabels</c> region on a video: frame ranges (1-based, inclusive) with their labels.</summary>
    public static Region TimelineSpan(string fromName, string toName, IReadOnlyList<(int Start, int End)> ranges, IReadOnlyList<string> labels,
        double? score = null, string? id = null)
    {
        const string type = "timelinelabels";
        RegionGuard.Names(type, fromName, toName);
        if (ranges is null || ranges.Count == 0) throw new ArgumentException($"A {type} region needs at least one frame range.", nameof(ranges));
        var clean = new (double Start, double End)[ranges.Count];
        for (var i = 0; i < ranges.Count; i++)
        {
            var (start, end) = ranges[i];
            if (start < 1 || end < start)
                throw new ArgumentException($"A {type} ranges[{i}] needs 1 <= start <= end, not {start}..{end}.", nameof(ranges));
            clean[i] = (start, end);
        }
        return Simple(type, fromName, toName, score, id, new RegionValue
        {
            Ranges = clean, LabelsKey = type, Labels = RegionGuard.Labels(type, labels),
        });
    }

    // ---- Relations --------------------------------------------------------------------------------------------

    /// <summary>
    /// A relation (an arrow) between two regions of the same prediction, by id. <paramref name="direction"/> is
    /// <c>right</c> (from → to), <c>left</c> or <c>bi</c>; <paramref name="labels"/> come from the <c>Relations</c> control.
    /// </summary>
    public static Region Relation(string fromId, string toId, string direction = "right", IReadOnlyList<string>? labels = null)
    {
        const string type = "relation";
        RegionGuard.Name(type, fromId, nameof(fromId));
        RegionGuard.Name(type, toId, nameof(toId));
        if (direction is not ("right" or "left" or "bi"))
            throw new ArgumentException($"A relation direction must be \"right\", \"left\" or \"bi\", not \"{direction}\".", nameof(direction));
        return new Region
        {
            FromName = "",
            ToName = "",
            Type = type,
            FromId = fromId,
            ToId = toId,
            Direction = direction,
            Labels = labels is null ? null : RegionGuard.Labels(type, labels, allowEmpty: true),
        };
    }

    /// <summary>A relation between two regions built here (both need ids, which every builder sets).</summary>
    public static Region Relation(Region from, Region to, string direction = "right", IReadOnlyList<string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        return Relation(from.Id ?? throw new ArgumentException("The relation's source region has no id.", nameof(from)),
            to.Id ?? throw new ArgumentException("The relation's target region has no id.", nameof(to)), direction, labels);
    }

    /// <summary>A short random id, as Label Studio's front end makes them.</summary>
    public static string NewId()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return string.Create(10, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
        });
    }

    // ---- Helpers ----------------------------------------------------------------------------------------------

    /// <summary>Every builder's region: a checked id and score; image regions also carry the original image size.</summary>
    private static Region Simple(string type, string fromName, string toName, double? score, string? id, RegionValue value,
        ImageSize? image = null) => new()
    {
        Id = RegionGuard.Id(type, id),
        FromName = fromName,
        ToName = toName,
        Type = type,
        Score = RegionGuard.Score(type, score),
        OriginalWidth = image?.Width,
        OriginalHeight = image?.Height,
        ImageRotation = image?.Rotation,
        Value = value,
    };

    private static Region Image(string type, string fromName, string toName, ImageSize image, double? score, string? id, RegionValue value)
    {
        if (image.Width <= 0 || image.Height <= 0)
            throw new ArgumentException($"A {type} region needs the original image size; got {image.Width}x{image.Height}.", nameof(image));
        return Simple(type, fromName, toName, score, id, value, image);
    }

    private static Region With(Region r, string parentId) => new()
    {
        Id = r.Id, FromName = r.FromName, ToName = r.ToName, Type = r.Type, Score = r.Score, Value = r.Value,
        OriginalWidth = r.OriginalWidth, OriginalHeight = r.OriginalHeight, ImageRotation = r.ImageRotation, ParentId = parentId,
    };

    private static void Offsets(string type, int startOffset, int endOffset)
    {
        if (startOffset < 0 || endOffset < 0)
            throw new ArgumentException($"A {type} span needs non-negative offsets, not startOffset={startOffset}, endOffset={endOffset}.", nameof(startOffset));
    }

    private static Region OffsetSpan(string type, string fromName, string toName, string start, int startOffset, string end, int endOffset,
        string text, IReadOnlyList<string> labels, double? score, string? id) =>
        Simple(type, fromName, toName, score, id, new RegionValue
        {
            StartOffsetPath = start, EndOffsetPath = end, StartOffset = startOffset, EndOffset = endOffset, Text = text,
            LabelsKey = type, Labels = RegionGuard.Labels(type, labels),
        });

    private static IReadOnlyList<string> Texts(string type, IReadOnlyList<string> text)
    {
        if (text is null || text.Count == 0) throw new ArgumentException($"A {type} region needs at least one line of text.", nameof(text));
        for (var i = 0; i < text.Count; i++)
            if (text[i] is null) throw new ArgumentException($"A {type} region's text[{i}] is null.", nameof(text));
        return text;
    }
}
