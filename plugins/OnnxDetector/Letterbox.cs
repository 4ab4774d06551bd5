using SkiaSharp;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>
/// Where an image landed in the model input: its upright (EXIF-applied) size, and the rectangle it was scaled into.
/// Maps model coordinates back to the original image.
/// </summary>
internal readonly record struct LetterboxGeometry(int OriginalWidth, int OriginalHeight, int Left, int Top, int ScaledWidth, int ScaledHeight)
{
    public double ToOriginalX(double x) => (x - Left) * OriginalWidth / ScaledWidth;

    public double ToOriginalY(double y) => (y - Top) * OriginalHeight / ScaledHeight;
}

/// <summary>
/// Decodes an image with SkiaSharp, applies its EXIF orientation, and letterboxes it into the model input
/// (aspect kept, padded with gray 114 as Ultralytics does), writing normalized RGB planes straight into the tensor.
/// JPEGs much larger than the input are decoded at a reduced scale, which is far cheaper than a full decode.
/// </summary>
internal static class Letterbox
{
    private const byte PadGray = 114;
    private static readonly float[] ByteToUnit = Enumerable.Range(0, 256).Select(i => i / 255f).ToArray();

    public static LetterboxGeometry Prepare(string imagePath, SKBitmap canvasBitmap, Span<float> chw)
    {
        using var codec = SKCodec.Create(imagePath, out var result)
            ?? throw new InvalidDataException($"Cannot decode the image '{System.IO.Path.GetFileName(imagePath)}' ({result}): not a supported image format.");
        var origin = codec.EncodedOrigin;
        var raw = codec.Info;
        var swaps = SwapsAxes(origin);
        var (width, height) = swaps ? (raw.Height, raw.Width) : (raw.Width, raw.Height);
        if (width <= 0 || height <= 0) throw new InvalidDataException("The image has no pixels.");

        var targetW = canvasBitmap.Width;
        var targetH = canvasBitmap.Height;
        var gain = Math.Min((double)targetW / width, (double)targetH / height);
        var scaledW = Math.Max(1, (int)Math.Round(width * gain));
        var scaledH = Math.Max(1, (int)Math.Round(height * gain));
        var left = (int)Math.Round((targetW - scaledW) / 2.0 - 0.1);
        var top = (int)Math.Round((targetH - scaledH) / 2.0 - 0.1);

        using var decoded = Decode(codec, (float)gain);
        using (var canvas = new SKCanvas(canvasBitmap))
        {
            canvas.Clear(new SKColor(PadGray, PadGray, PadGray));
            // Decoded (raw, possibly downscaled) pixels → upright pixels → the scaled rectangle.
            var decodedUprightW = swaps ? decoded.Height : decoded.Width;
            var decodedUprightH = swaps ? decoded.Width : decoded.Height;
            var place = SKMatrix.CreateScaleTranslation((float)scaledW / decodedUprightW, (float)scaledH / decodedUprightH, left, top);
            canvas.SetMatrix(place.PreConcat(OrientationMatrix(origin, decoded.Width, decoded.Height)));
            using var image = SKImage.FromBitmap(decoded);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        WritePlanes(canvasBitmap, chw);
        return new LetterboxGeometry(width, height, left, top, scaledW, scaledH);
    }

    /// <summary>Creates the RGBA canvas a worker reuses for every image.</summary>
    public static SKBitmap CreateCanvas(int width, int height) =>
        new(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));

    private static SKBitmap Decode(SKCodec codec, float gain)
    {
        var size = codec.Info.Size;
        if (gain < 0.5f)
        {
            // JPEG decodes at 1/2, 1/4, 1/8 almost for free; keep at least the size the letterbox needs.
            var scaled = codec.GetScaledDimensions(gain * 1.01f);
            if (scaled.Width >= size.Width * gain && scaled.Height >= size.Height * gain) size = scaled;
        }
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        var status = codec.GetPixels(info, bitmap.GetPixels());
        if (status is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            bitmap.Dispose();
            throw new InvalidDataException($"Cannot decode the image: {status}.");
        }
        return bitmap;
    }

    private static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>Maps raw pixel coordinates (w×h as stored) to upright ones, per EXIF orientation 1–8.</summary>
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

    /// <summary>RGBA bytes → three planes of floats in [0, 1] (R, G, B), the layout YOLO exports expect.</summary>
    private static void WritePlanes(SKBitmap bitmap, Span<float> chw)
    {
        var pixels = bitmap.GetPixelSpan();
        var plane = bitmap.Width * bitmap.Height;
        var r = chw[..plane];
        var g = chw.Slice(plane, plane);
        var b = chw.Slice(2 * plane, plane);
        var lut = ByteToUnit;
        for (int i = 0, p = 0; i < plane; i++, p += 4)
        {
            r[i] = lut[pixels[p]];
            g[i] = lut[pixels[p + 1]];
            b[i] = lut[pixels[p + 2]];
        }
    }
}
