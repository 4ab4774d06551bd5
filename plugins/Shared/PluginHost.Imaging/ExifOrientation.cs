using SkiaSharp;

namespace PluginHost.Imaging;

/// <summary>
/// EXIF orientation (tag 0x0112, values 1–8): how the stored pixels turn into the upright image that browsers, and so
/// Label Studio, show. Region percentages are of the upright image, so every backend decodes upright.
/// </summary>
public static class ExifOrientation
{
    /// <summary>Whether the upright image is the stored one turned a quarter (width and height swap).</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>The upright size of a stored <paramref name="storedWidth"/>×<paramref name="storedHeight"/> image.</summary>
    public static (int Width, int Height) UprightSize(SKEncodedOrigin origin, int storedWidth, int storedHeight) =>
        SwapsAxes(origin) ? (storedHeight, storedWidth) : (storedWidth, storedHeight);

    /// <summary>Maps stored pixel coordinates (w×h as stored) to upright ones, per EXIF orientation 1–8.</summary>
    public static SKMatrix Matrix(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),     // 2: mirror horizontally
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1), // 3: rotate 180°
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),   // 4: mirror vertically
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),       // 5: transpose
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),     // 6: rotate 90° clockwise
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1), // 7: transverse
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),   // 8: rotate 90° counter-clockwise
        _ => SKMatrix.Identity,
    };
}
