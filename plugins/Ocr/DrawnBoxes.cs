using PluginHost.Imaging;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Ocr;

/// <summary>Reads the boxes an annotator drew (interactive context) and writes boxes back as regions.</summary>
internal static class DrawnBoxes
{
    /// <summary>The box in pixels of the decoded image. Percentages are of the image as Label Studio shows it,
    /// which is the upright image decoded here, so its own size converts them (not <c>original_width</c>).</summary>
    public static RegionBox Geometry(AnnotationRegion box, int imageWidth, int imageHeight) =>
        RegionBox.FromPercent(Number(box, "x"), Number(box, "y"), Number(box, "width"), Number(box, "height"),
            box.GetNumber("rotation") ?? 0, imageWidth, imageHeight);

    /// <summary>The drawn box as a prediction region: same id, names, type, geometry, labels and origin, as the
    /// Python example returns it, so Label Studio keeps one box and hangs the transcription on it.</summary>
    public static Region Echo(AnnotationRegion box, int imageWidth, int imageHeight)
    {
        var labels = box.Type == "rectanglelabels" ? box.GetLabels() : null;
        return new Region
        {
            Id = string.IsNullOrWhiteSpace(box.Id) ? Regions.NewId() : box.Id,
            FromName = box.FromName,
            ToName = box.ToName,
            Type = box.Type,
            Origin = box.Origin,
            OriginalWidth = box.OriginalWidth ?? imageWidth,
            OriginalHeight = box.OriginalHeight ?? imageHeight,
            ImageRotation = box.ImageRotation ?? 0,
            Value = new RegionValue
            {
                X = Number(box, "x"),
                Y = Number(box, "y"),
                Width = Number(box, "width"),
                Height = Number(box, "height"),
                Rotation = box.GetNumber("rotation") ?? 0,
                LabelsKey = labels is null ? null : box.Type,
                Labels = labels,
            },
        };
    }

    /// <summary>A box of a plain <c>&lt;Rectangle&gt;</c> control (type <c>rectangle</c>, no labels).</summary>
    public static Region PlainRectangle(string fromName, string toName, ImageSize image, (double X, double Y, double Width, double Height) box, double score, double rotation = 0) => new()
    {
        Id = Regions.NewId(),
        FromName = fromName,
        ToName = toName,
        Type = "rectangle",
        Score = score,
        OriginalWidth = image.Width,
        OriginalHeight = image.Height,
        ImageRotation = image.Rotation,
        Value = new RegionValue { X = box.X, Y = box.Y, Width = box.Width, Height = box.Height, Rotation = rotation },
    };

    /// <summary>A shape of a plain <c>&lt;Polygon&gt;</c> control (type <c>polygon</c>, no labels), points in percent.</summary>
    public static Region PlainPolygon(string fromName, string toName, ImageSize image, IReadOnlyList<(double X, double Y)> points, double score) => new()
    {
        Id = Regions.NewId(),
        FromName = fromName,
        ToName = toName,
        Type = "polygon",
        Score = score,
        OriginalWidth = image.Width,
        OriginalHeight = image.Height,
        ImageRotation = image.Rotation,
        Value = new RegionValue { Points = points, Closed = true },
    };

    /// <summary>The region with <paramref name="origin"/> (the Python example marks its TextArea like the drawn box).</summary>
    public static Region WithOrigin(Region r, string? origin) => origin is null ? r : new Region
    {
        Id = r.Id, FromName = r.FromName, ToName = r.ToName, Type = r.Type, Score = r.Score, Value = r.Value, Origin = origin,
        OriginalWidth = r.OriginalWidth, OriginalHeight = r.OriginalHeight, ImageRotation = r.ImageRotation,
    };

    private static double Number(AnnotationRegion box, string key) =>
        box.GetNumber(key) ?? throw new InvalidDataException(
            $"The {box.Type} region '{box.Id}' has no numeric value.{key}: a drawn box needs x, y, width and height in percent.");
}
