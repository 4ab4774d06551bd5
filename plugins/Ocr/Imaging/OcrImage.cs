using PluginHost.Plugins.Ocr.Tesseract;
using SkiaSharp;

namespace PluginHost.Plugins.Ocr.Imaging;

/// <summary>
/// A decoded image as Tesseract reads it: 8-bit gray, upright (EXIF orientation applied, as browsers and so Label
/// Studio show it), transparency flattened onto white. Crops of drawn boxes are cut from it.
/// </summary>
internal sealed class OcrImage : IDisposable
{
    private readonly SKBitmap _gray;
    private readonly SKImage _image;

    private OcrImage(SKBitmap gray)
    {
        gray.SetImmutable(); // lets the SKImage share the pixels instead of copying them
        _gray = gray;
        _image = SKImage.FromBitmap(gray);
    }

    public int Width => _gray.Width;

    public int Height => _gray.Height;

    /// <summary>Decodes the file at <paramref name="path"/> (see <see cref="Load(byte[], long)"/>).</summary>
    public static OcrImage Load(string path, long maxPixels) => Load(File.ReadAllBytes(path), maxPixels);

    /// <summary>Decodes an encoded image; throws <see cref="InvalidDataException"/> for unreadable or oversized images.</summary>
    public static OcrImage Load(byte[] encoded, long maxPixels)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDataException("cannot decode the image: not a supported image format (PNG, JPEG, WebP, GIF, BMP).");
        var raw = codec.Info;
        if (raw.Width <= 0 || raw.Height <= 0) throw new InvalidDataException("the image has no pixels.");
        if ((long)raw.Width * raw.Height > maxPixels)
            throw new InvalidDataException($"the image is {raw.Width}x{raw.Height} pixels, above the MaxImagePixels limit of {maxPixels}.");

        using var decoded = new SKBitmap(new SKImageInfo(raw.Width, raw.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var status = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (status is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new InvalidDataException($"cannot decode the image: {status}.");
        decoded.SetImmutable();
        using var decodedImage = SKImage.FromBitmap(decoded);

        var origin = codec.EncodedOrigin;
        var swaps = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (width, height) = swaps ? (raw.Height, raw.Width) : (raw.Width, raw.Height);
        var gray = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(gray))
        {
            canvas.Clear(SKColors.White);
            canvas.SetMatrix(OrientationMatrix(origin, raw.Width, raw.Height));
            canvas.DrawImage(decodedImage, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None));
        }
        return new OcrImage(gray);
    }

    /// <summary>Wraps an already upright gray bitmap (tests and benchmarks); the image owns it.</summary>
    internal static OcrImage FromGray(SKBitmap gray) =>
        gray.ColorType == SKColorType.Gray8 ? new OcrImage(gray) : throw new ArgumentException("Expected an 8-bit gray bitmap.", nameof(gray));

    /// <summary>The whole image, for page-level recognition. Valid while this image lives.</summary>
    public unsafe GrayPixels Pixels() => new((byte*)_gray.GetPixels(), Width, Height, _gray.RowBytes);

    /// <summary>
    /// The box cut out upright (a rotated box is turned back), with <paramref name="padding"/> pixels of its own
    /// background around it: Tesseract reads text touching the image edge poorly. Null when the box is off the image.
    /// </summary>
    public Crop? Cut(RegionBox box, int padding)
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
                canvas.DrawImage(_image, new SKRect(rect.Left, rect.Top, rect.Right, rect.Bottom),
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
                canvas.DrawImage(_image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
            }
            if (padding > 0) FillPadding(bitmap, width, height, padding);
            var crop = new Crop(bitmap, width, height);
            bitmap = null;
            return crop;
        }
        finally
        {
            bitmap?.Dispose();
        }
    }

    private static SKBitmap Blank(int width, int height, int padding)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width + 2 * padding, height + 2 * padding, SKColorType.Gray8, SKAlphaType.Opaque));
        bitmap.Erase(SKColors.White);
        return bitmap;
    }

    /// <summary>Paints the margin with the crop's background: the median of its outermost pixels (white text on
    /// black stays on black, so the margin adds no edge).</summary>
    private static void FillPadding(SKBitmap bitmap, int width, int height, int padding)
    {
        var pixels = bitmap.GetPixelSpan();
        var stride = bitmap.RowBytes;
        Span<int> histogram = stackalloc int[256];
        for (var x = 0; x < width; x++)
        {
            histogram[pixels[padding * stride + padding + x]]++;
            histogram[pixels[(padding + height - 1) * stride + padding + x]]++;
        }
        for (var y = 0; y < height; y++)
        {
            histogram[pixels[(padding + y) * stride + padding]]++;
            histogram[pixels[(padding + y) * stride + padding + width - 1]]++;
        }
        var half = (2 * width + 2 * height) / 2;
        byte background = 255;
        for (int v = 0, seen = 0; v < 256; v++)
        {
            seen += histogram[v];
            if (seen > half)
            {
                background = (byte)v;
                break;
            }
        }
        if (background == 255) return; // already white
        var fill = new SKColor(background, background, background);
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { Color = fill, Style = SKPaintStyle.Fill, IsAntialias = false };
        var total = new SKSize(bitmap.Width, bitmap.Height);
        canvas.DrawRect(0, 0, total.Width, padding, paint);
        canvas.DrawRect(0, padding + height, total.Width, total.Height - padding - height, paint);
        canvas.DrawRect(0, padding, padding, height, paint);
        canvas.DrawRect(padding + width, padding, total.Width - padding - width, height, paint);
    }

    /// <summary>Maps stored pixel coordinates (w×h as stored) to upright ones, per EXIF orientation 1–8.</summary>
    internal static SKMatrix OrientationMatrix(SKEncodedOrigin origin, int w, int h) => origin switch
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

    /// <summary>Whether the pixels were freed (tests of the cache).</summary>
    internal bool IsDisposed { get; private set; }

    public void Dispose()
    {
        IsDisposed = true;
        _image.Dispose();
        _gray.Dispose();
    }
}

/// <summary>A cut-out box with its margin; <see cref="Width"/>×<see cref="Height"/> is the box itself.</summary>
internal sealed class Crop(SKBitmap bitmap, int width, int height) : IDisposable
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public unsafe GrayPixels Pixels() => new((byte*)bitmap.GetPixels(), bitmap.Width, bitmap.Height, bitmap.RowBytes);

    /// <summary>The crop's gray bytes, row by row with the margin (for tests).</summary>
    internal byte[] ToArray() => bitmap.GetPixelSpan().ToArray();

    internal SKBitmap Bitmap => bitmap;

    public void Dispose() => bitmap.Dispose();
}
