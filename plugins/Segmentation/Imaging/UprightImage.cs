using SkiaSharp;

namespace PluginHost.Plugins.Segmentation.Imaging;

/// <summary>
/// A decoded image, upright (EXIF orientation applied, as browsers show it and Label Studio measures it), RGBA.
/// Writes itself scaled into a model's CHW float tensor with per-channel normalization.
/// </summary>
internal sealed class UprightImage : IDisposable
{
    private readonly SKBitmap _bitmap;

    private UprightImage(SKBitmap bitmap) => _bitmap = bitmap;

    public int Width => _bitmap.Width;

    public int Height => _bitmap.Height;

    public static UprightImage Load(string path, long maxPixels)
    {
        using var codec = SKCodec.Create(path, out var result)
            ?? throw new InvalidDataException($"cannot decode the image '{Path.GetFileName(path)}' ({result}): not a supported image format.");
        var raw = codec.Info;
        if (raw.Width <= 0 || raw.Height <= 0) throw new InvalidDataException("the image has no pixels.");
        if ((long)raw.Width * raw.Height > maxPixels)
            throw new InvalidDataException($"the image is {raw.Width}x{raw.Height}, more than the {maxPixels} pixels allowed (MaxImagePixels).");
        var info = new SKImageInfo(raw.Width, raw.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var stored = new SKBitmap(info);
        var status = codec.GetPixels(info, stored.GetPixels());
        if (status is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            throw new InvalidDataException($"cannot decode the image: {status}.");
        var origin = codec.EncodedOrigin;
        var swaps = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var upright = new SKBitmap(new SKImageInfo(swaps ? raw.Height : raw.Width, swaps ? raw.Width : raw.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(upright))
        {
            canvas.Clear(SKColors.White);
            canvas.SetMatrix(Orientation(origin, raw.Width, raw.Height));
            using var storedImage = SKImage.FromBitmap(stored);
            canvas.DrawImage(storedImage, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        }
        return new UprightImage(upright);
    }

    /// <summary>
    /// Scales the image to <paramref name="scaledWidth"/>×<paramref name="scaledHeight"/> and writes it at the top-left
    /// of <paramref name="planeWidth"/>×<paramref name="planeHeight"/> planes R, G, B of <paramref name="chw"/> as
    /// <c>(value − mean) / std</c> (0–255 scale); the rest of each plane is 0, as SAM pads after normalizing.
    /// </summary>
    public void WriteScaled(Span<float> chw, int scaledWidth, int scaledHeight, int planeWidth, int planeHeight, ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        var plane = planeWidth * planeHeight;
        chw[..(3 * plane)].Clear();
        using var scaled = new SKBitmap(new SKImageInfo(scaledWidth, scaledHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(scaled))
        using (var image = SKImage.FromBitmap(_bitmap))
        {
            canvas.DrawImage(image, new SKRect(0, 0, scaledWidth, scaledHeight), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        Span<float> scale = stackalloc float[3];
        Span<float> shift = stackalloc float[3];
        for (var c = 0; c < 3; c++)
        {
            scale[c] = 1f / std[c];
            shift[c] = -mean[c] / std[c];
        }
        var pixels = scaled.GetPixelSpan();
        var rowBytes = scaled.RowBytes;
        for (var y = 0; y < scaledHeight; y++)
        {
            var row = pixels.Slice(y * rowBytes, scaledWidth * 4);
            var o = y * planeWidth;
            for (var x = 0; x < scaledWidth; x++, o++)
            {
                var p = 4 * x;
                chw[o] = row[p] * scale[0] + shift[0];
                chw[plane + o] = row[p + 1] * scale[1] + shift[1];
                chw[2 * plane + o] = row[p + 2] * scale[2] + shift[2];
            }
        }
    }

    public void Dispose() => _bitmap.Dispose();

    /// <summary>Maps stored pixel coordinates (w×h) to upright ones, per EXIF orientation 1–8.</summary>
    private static SKMatrix Orientation(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
        _ => SKMatrix.Identity,
    };
}
