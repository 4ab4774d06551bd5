namespace PluginHost.Sdk.Predictions;

/// <summary>
/// The original size of an annotated image, in pixels, and its rotation in degrees. Every image region carries it
/// (<c>original_width</c>, <c>original_height</c>, <c>image_rotation</c>) so Label Studio can place percentages and
/// decode brush masks.
/// </summary>
public readonly record struct ImageSize
{
    public ImageSize(int width, int height, double rotation = 0)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"The image size must be positive, not {width}x{height}.");
        if (!double.IsFinite(rotation)) throw new ArgumentException($"The image rotation must be a finite number of degrees, not {rotation}.");
        Width = width;
        Height = height;
        Rotation = rotation;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Degrees, as Label Studio's <c>image_rotation</c>.</summary>
    public double Rotation { get; }

    /// <summary>
    /// Converts a pixel box (left, top, width, height) to percentages of this image, clipping it to the image first:
    /// detectors often return boxes a few pixels outside.
    /// </summary>
    public (double X, double Y, double Width, double Height) ToPercent(double left, double top, double width, double height)
    {
        foreach (var (name, value) in new[] { ("left", left), ("top", top), ("width", width), ("height", height) })
            if (!double.IsFinite(value)) throw new ArgumentException($"The pixel box {name} must be a finite number, not {value}.");
        if (width < 0 || height < 0) throw new ArgumentException($"The pixel box size must not be negative, not {width}x{height}.");
        var x0 = Math.Clamp(left, 0, Width);
        var y0 = Math.Clamp(top, 0, Height);
        var x1 = Math.Clamp(left + width, 0, Width);
        var y1 = Math.Clamp(top + height, 0, Height);
        return (x0 * 100.0 / Width, y0 * 100.0 / Height, (x1 - x0) * 100.0 / Width, (y1 - y0) * 100.0 / Height);
    }

    /// <summary>Converts pixel corners (x1, y1, x2, y2), the usual detector output, to a percent box.</summary>
    public (double X, double Y, double Width, double Height) CornersToPercent(double x1, double y1, double x2, double y2) =>
        ToPercent(Math.Min(x1, x2), Math.Min(y1, y2), Math.Abs(x2 - x1), Math.Abs(y2 - y1));

    /// <summary>Converts a pixel point to percentages of this image (not clipped).</summary>
    public (double X, double Y) PointToPercent(double x, double y) => (x * 100.0 / Width, y * 100.0 / Height);
}
