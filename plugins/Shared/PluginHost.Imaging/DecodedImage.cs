using SkiaSharp;

namespace PluginHost.Imaging;

/// <summary>
/// A decoded image, upright (EXIF orientation applied, as browsers and so Label Studio show it), transparency
/// flattened onto white, in gray or RGBA. Crops of boxes and quadrilaterals are cut from it; it can be drawn into a
/// model input (<see cref="Letterbox"/>). Immutable once made, so several requests may read it at once.
/// </summary>
public sealed class DecodedImage : IDisposable
{
    private readonly SKBitmap _bitmap;

    private DecodedImage(SKBitmap bitmap)
    {
        bitmap.SetImmutable(); // lets the SKImage share the pixels instead of copying them
        _bitmap = bitmap;
        Image = SKImage.FromBitmap(bitmap);
        Pixels = bitmap.ColorType == SKColorType.Gray8 ? ImagePixels.Gray8 : ImagePixels.Rgba8888;
    }

    public int Width => _bitmap.Width;

    public int Height => _bitmap.Height;

    public ImagePixels Pixels { get; }

    /// <summary>The pixels (read-only: shared by every reader). Valid while this image lives.</summary>
    public SKBitmap Bitmap => _bitmap;

    /// <summary>The pixels as an image to draw from. Valid while this image lives.</summary>
    public SKImage Image { get; }

    /// <summary>Whether the pixels were freed.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Decodes the file at <paramref name="path"/> (see <see cref="Load(byte[], ImagePixels, long)"/>).</summary>
    public static DecodedImage Load(string path, ImagePixels pixels, long maxPixels = long.MaxValue) =>
        new(ImageDecoder.DecodeUpright(path, pixels, maxPixels));

    /// <summary>Decodes an encoded image; throws <see cref="InvalidDataException"/> for unreadable or oversized images.</summary>
    public static DecodedImage Load(byte[] encoded, ImagePixels pixels, long maxPixels = long.MaxValue) =>
        new(ImageDecoder.DecodeUpright(encoded, pixels, maxPixels));

    /// <summary>Wraps an upright Gray8 or opaque RGBA bitmap; the image owns it.</summary>
    public static DecodedImage FromBitmap(SKBitmap bitmap) =>
        bitmap.ColorType is SKColorType.Gray8 or SKColorType.Rgba8888
            ? new DecodedImage(bitmap)
            : throw new ArgumentException($"Expected a Gray8 or Rgba8888 bitmap, not {bitmap.ColorType}.", nameof(bitmap));

    /// <summary>
    /// The box cut out upright (a rotated box is turned back), with <paramref name="padding"/> pixels of its own
    /// background around it (Tesseract reads text touching the image edge poorly). Null when the box is off the image.
    /// </summary>
    public ImageCrop? Cut(RegionBox box, int padding = 0)
    {
        if (!box.Touches(Width, Height)) return null;
        int width, height;
        var bitmap = default(SKBitmap);
        try
        {
            if (!box.IsRotated)
            {
                var rect = box.Clip(Width, Height);
                (width, height) = (rect.Width, rect.Height);
                bitmap = Blank(width, height, padding);
                using var canvas = new SKCanvas(bitmap);
                canvas.DrawImage(Image, new SKRect(rect.Left, rect.Top, rect.Right, rect.Bottom),
                    new SKRect(padding, padding, padding + width, padding + height), new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None));
            }
            else
            {
                (width, height) = box.CropSize;
                bitmap = Blank(width, height, padding);
                using var canvas = new SKCanvas(bitmap);
                canvas.ClipRect(new SKRect(padding, padding, padding + width, padding + height));
                canvas.Translate(padding, padding);
                canvas.RotateDegrees(-(float)box.Rotation);
                canvas.Translate(-(float)box.X, -(float)box.Y);
                canvas.DrawImage(Image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
            }
            if (padding > 0) CropPadding.FillWithBorderMedian(bitmap, width, height, padding);
            var crop = new ImageCrop(bitmap, width, height, padding);
            bitmap = null;
            return crop;
        }
        finally
        {
            bitmap?.Dispose();
        }
    }

    /// <summary>
    /// The quadrilateral <paramref name="corners"/> (top-left, top-right, bottom-right, bottom-left, in pixels; any
    /// rotation or slant) warped onto an upright <paramref name="width"/>×<paramref name="height"/> rectangle, as text
    /// recognisers read a detected text line. Parts outside the image are white.
    /// </summary>
    public ImageCrop CutQuad(ReadOnlySpan<SKPoint> corners, int width, int height)
    {
        if (corners.Length != 4) throw new ArgumentException("A quadrilateral has four corners.", nameof(corners));
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "The crop needs a positive size.");
        var bitmap = Blank(width, height, 0);
        try
        {
            using var canvas = new SKCanvas(bitmap);
            canvas.SetMatrix(QuadMapping.ToRectangle(corners, width, height));
            canvas.DrawImage(Image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
            return new ImageCrop(bitmap, width, height, 0);
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
    }

    /// <summary>The whole image stretched to <paramref name="width"/>×<paramref name="height"/> (aspect not kept), as
    /// detectors that take any size in multiples of 32 read it; the caller disposes the bitmap.</summary>
    public SKBitmap Resize(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "The size must be positive.");
        var bitmap = Blank(width, height, 0);
        using var canvas = new SKCanvas(bitmap);
        canvas.DrawImage(Image, new SKRect(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        return bitmap;
    }

    private SKBitmap Blank(int width, int height, int padding)
    {
        var info = new SKImageInfo(width + 2 * padding, height + 2 * padding, _bitmap.ColorType, SKAlphaType.Opaque);
        var bitmap = new SKBitmap(info);
        bitmap.Erase(SKColors.White);
        return bitmap;
    }

    public void Dispose()
    {
        IsDisposed = true;
        Image.Dispose();
        _bitmap.Dispose();
    }
}
