using SkiaSharp;

namespace PluginHost.Ocr.Tests.Support;

/// <summary>A line of text drawn on a test page and the pixel box its ink covers.</summary>
public sealed record DrawnLine(string Text, SKRect Box)
{
    /// <summary>The line's box with <paramref name="margin"/> pixels around it, as an annotator would draw it, in percent.</summary>
    public (double X, double Y, double Width, double Height) Percent(int imageWidth, int imageHeight, float margin = 6)
    {
        var r = Box;
        return ((r.Left - margin) * 100.0 / imageWidth, (r.Top - margin) * 100.0 / imageHeight,
            (r.Width + 2 * margin) * 100.0 / imageWidth, (r.Height + 2 * margin) * 100.0 / imageHeight);
    }
}

/// <summary>
/// Real text rendered with a real font (DejaVu Sans from the fonts-dejavu-core package, installed by
/// .ci/install.d/tesseract.sh) onto white pages, with the exact box of every line, so tests can draw boxes as an
/// annotator would and know what Tesseract must read there.
/// </summary>
public sealed class TextPage : IDisposable
{
    public const string FontPath = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    private TextPage(SKBitmap bitmap, IReadOnlyList<DrawnLine> lines)
    {
        Bitmap = bitmap;
        Lines = lines;
    }

    public SKBitmap Bitmap { get; }

    public IReadOnlyList<DrawnLine> Lines { get; }

    public int Width => Bitmap.Width;

    public int Height => Bitmap.Height;

    /// <summary>Draws <paramref name="lines"/> top to bottom from (<paramref name="left"/>, <paramref name="top"/>).</summary>
    public static TextPage Render(int width, int height, IReadOnlyList<string> lines, float fontSize = 32, float left = 40, float top = 40,
        float lineGap = 1.6f, SKColor? ink = null, SKColor? paper = null, float rotation = 0)
    {
        if (!File.Exists(FontPath)) throw new FileNotFoundException($"{FontPath} is missing: run .ci/install.d/tesseract.sh (fonts-dejavu-core).");
        using var typeface = SKTypeface.FromFile(FontPath);
        using var font = new SKFont(typeface, fontSize);
        using var paint = new SKPaint { Color = ink ?? SKColors.Black, IsAntialias = true };
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var drawn = new List<DrawnLine>();
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(paper ?? SKColors.White);
            // A rotated page turns every line about the first line's top-left corner (Label Studio's box rotation).
            canvas.RotateDegrees(rotation, left, top);
            var baseline = top - font.Metrics.Ascent;
            foreach (var text in lines)
            {
                font.MeasureText(text, out var bounds, paint);
                canvas.DrawText(text, left, baseline, SKTextAlign.Left, font, paint);
                drawn.Add(new DrawnLine(text, new SKRect(left + bounds.Left, baseline + bounds.Top, left + bounds.Right, baseline + bounds.Bottom)));
                baseline += fontSize * lineGap;
            }
        }
        return new TextPage(bitmap, drawn);
    }

    public byte[] Png() => Encode(Bitmap, SKEncodedImageFormat.Png, 100);

    public byte[] Jpeg(int quality = 95) => Encode(Bitmap, SKEncodedImageFormat.Jpeg, quality);

    /// <summary>The page stored as a camera would: pixels turned 90° counter-clockwise plus EXIF orientation 6
    /// ("rotate 90° clockwise to view"), so only a reader honouring EXIF sees the upright page.</summary>
    public byte[] JpegStoredSidewaysWithExif()
    {
        using var sideways = new SKBitmap(new SKImageInfo(Height, Width, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(sideways))
        {
            // Upright (x, y) → stored (y, W − x): a quarter turn counter-clockwise.
            canvas.SetMatrix(new SKMatrix(0, 1, 0, -1, 0, Width, 0, 0, 1));
            using var image = SKImage.FromBitmap(Bitmap);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        }
        return PluginHost.Detector.Tests.Support.TestImages.WithExifOrientation(Encode(sideways, SKEncodedImageFormat.Jpeg, 95), 6);
    }

    public static string DataUri(byte[] bytes, string type = "image/png") => $"data:{type};base64,{Convert.ToBase64String(bytes)}";

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    public void Dispose() => Bitmap.Dispose();
}
