using System.Globalization;
using SkiaSharp;

namespace PluginHost.Imaging;

/// <summary>
/// A Label Studio rectangle in pixels of the upright image: top-left corner, size, and rotation in degrees clockwise
/// about that corner (how the editor rotates boxes). Built from the region's percentages and the image size.
/// </summary>
public readonly record struct RegionBox(double X, double Y, double Width, double Height, double Rotation)
{
    /// <summary>How far a percentage may stray from a whole pixel and still count as that pixel (float noise).</summary>
    private const double Snap = 1e-6;

    /// <summary>Converts percentages (0–100) of an image of <paramref name="imageWidth"/>×<paramref name="imageHeight"/>
    /// pixels into pixels. Throws <see cref="ArgumentException"/> for non-finite or negative sizes.</summary>
    public static RegionBox FromPercent(double x, double y, double width, double height, double rotation, int imageWidth, int imageHeight)
    {
        foreach (var (name, value) in new[] { ("x", x), ("y", y), ("width", width), ("height", height), ("rotation", rotation) })
            if (!double.IsFinite(value))
                throw new ArgumentException($"The rectangle's {name} must be a finite number, not {value.ToString(CultureInfo.InvariantCulture)}.");
        if (width < 0 || height < 0)
            throw new ArgumentException($"The rectangle's size must not be negative, not {width.ToString(CultureInfo.InvariantCulture)}% x {height.ToString(CultureInfo.InvariantCulture)}%.");
        var turn = rotation % 360;
        if (turn < 0) turn += 360;
        return new RegionBox(x * imageWidth / 100, y * imageHeight / 100, width * imageWidth / 100, height * imageHeight / 100, turn);
    }

    public bool IsRotated => Rotation is > 1e-9 and < 360 - 1e-9;

    /// <summary>The pixels the (unrotated) box covers, clipped to the image: partly covered pixels are included.
    /// Empty when the box lies outside the image or has no area.</summary>
    public PixelRect Clip(int imageWidth, int imageHeight)
    {
        var left = Math.Clamp(Math.Floor(X + Snap), 0, imageWidth);
        var top = Math.Clamp(Math.Floor(Y + Snap), 0, imageHeight);
        var right = Math.Clamp(Math.Ceiling(X + Width - Snap), 0, imageWidth);
        var bottom = Math.Clamp(Math.Ceiling(Y + Height - Snap), 0, imageHeight);
        return new PixelRect((int)left, (int)top, (int)Math.Max(0, right - left), (int)Math.Max(0, bottom - top));
    }

    /// <summary>The size of the upright crop of a rotated box, in whole pixels.</summary>
    public (int Width, int Height) CropSize => ((int)Math.Ceiling(Width - Snap), (int)Math.Ceiling(Height - Snap));

    /// <summary>The four corners in pixels, clockwise from the top-left one (the rotation's pivot).</summary>
    public SKPoint[] Corners()
    {
        var (sin, cos) = Math.SinCos(Rotation * Math.PI / 180);
        var (x, y, w, h) = (X, Y, Width, Height);
        SKPoint Turn(double u, double v) => new((float)(x + u * cos - v * sin), (float)(y + u * sin + v * cos));
        return [Turn(0, 0), Turn(w, 0), Turn(w, h), Turn(0, h)];
    }

    /// <summary>Whether any part of the box lies on the image (the corners of a rotated box, or its clipped area).</summary>
    public bool Touches(int imageWidth, int imageHeight)
    {
        if (Width <= 0 || Height <= 0) return false;
        if (!IsRotated) return !Clip(imageWidth, imageHeight).IsEmpty;
        var (sin, cos) = Math.SinCos(Rotation * Math.PI / 180);
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        foreach (var (u, v) in new[] { (0.0, 0.0), (Width, 0.0), (Width, Height), (0.0, Height) })
        {
            var px = X + u * cos - v * sin;
            var py = Y + u * sin + v * cos;
            (minX, maxX, minY, maxY) = (Math.Min(minX, px), Math.Max(maxX, px), Math.Min(minY, py), Math.Max(maxY, py));
        }
        return maxX > 0 && maxY > 0 && minX < imageWidth && minY < imageHeight;
    }
}
