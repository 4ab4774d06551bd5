using SkiaSharp;

namespace PluginHost.Imaging;

/// <summary>
/// Decodes PNG, JPEG, WebP, GIF and BMP with SkiaSharp. Every method returns the upright image (EXIF orientation
/// applied) and throws <see cref="InvalidDataException"/> with a message fit for the annotator for unreadable images.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Opens a codec over <paramref name="encoded"/>; throws <see cref="InvalidDataException"/> when no decoder reads it.</summary>
    public static SKCodec OpenCodec(byte[] encoded)
    {
        using var data = SKData.CreateCopy(encoded);
        return SKCodec.Create(data)
            ?? throw new InvalidDataException("cannot decode the image: not a supported image format (PNG, JPEG, WebP, GIF, BMP).");
    }

    /// <summary>Opens a codec over the file at <paramref name="path"/>.</summary>
    public static SKCodec OpenCodec(string path) =>
        SKCodec.Create(path, out var result)
            ?? throw new InvalidDataException($"cannot decode the image '{Path.GetFileName(path)}' ({result}): not a supported image format (PNG, JPEG, WebP, GIF, BMP).");

    /// <summary>The upright size of an encoded image without decoding its pixels.</summary>
    public static (int Width, int Height) UprightSize(SKCodec codec) =>
        ExifOrientation.UprightSize(codec.EncodedOrigin, codec.Info.Width, codec.Info.Height);

    /// <summary>
    /// Decodes the stored pixels as RGBA, at a reduced scale when <paramref name="scale"/> is below ½ and the codec can
    /// (JPEG decodes at ½, ¼, ⅛ almost for free): never smaller than <paramref name="scale"/> of the stored size.
    /// The result is as stored (not yet upright); see <see cref="ExifOrientation.Matrix"/>.
    /// </summary>
    public static SKBitmap DecodeStored(SKCodec codec, float scale = 1f)
    {
        var size = codec.Info.Size;
        if (size.Width <= 0 || size.Height <= 0) throw new InvalidDataException("the image has no pixels.");
        if (scale < 0.5f)
        {
            var scaled = codec.GetScaledDimensions(scale * 1.01f);
            if (scaled.Width >= size.Width * scale && scaled.Height >= size.Height * scale) size = scaled;
        }
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        var status = codec.GetPixels(info, bitmap.GetPixels());
        if (status is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            bitmap.Dispose();
            throw new InvalidDataException($"cannot decode the image: {status}.");
        }
        return bitmap;
    }

    /// <summary>Decodes an encoded image upright into <paramref name="pixels"/> format, transparency flattened onto
    /// white; images above <paramref name="maxPixels"/> are refused before their pixels are decoded.</summary>
    public static SKBitmap DecodeUpright(byte[] encoded, ImagePixels pixels, long maxPixels = long.MaxValue)
    {
        using var codec = OpenCodec(encoded);
        return DecodeUpright(codec, pixels, maxPixels);
    }

    /// <summary>Decodes the file at <paramref name="path"/> upright (see <see cref="DecodeUpright(byte[], ImagePixels, long)"/>).</summary>
    public static SKBitmap DecodeUpright(string path, ImagePixels pixels, long maxPixels = long.MaxValue)
    {
        using var codec = OpenCodec(path);
        return DecodeUpright(codec, pixels, maxPixels);
    }

    private static SKBitmap DecodeUpright(SKCodec codec, ImagePixels pixels, long maxPixels)
    {
        var raw = codec.Info;
        if (raw.Width <= 0 || raw.Height <= 0) throw new InvalidDataException("the image has no pixels.");
        if ((long)raw.Width * raw.Height > maxPixels)
            throw new InvalidDataException($"the image is {raw.Width}x{raw.Height} pixels, above the MaxImagePixels limit of {maxPixels}.");
        using var decoded = DecodeStored(codec);
        decoded.SetImmutable();
        using var decodedImage = SKImage.FromBitmap(decoded);
        var (width, height) = UprightSize(codec);
        var info = pixels == ImagePixels.Gray8
            ? new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque)
            : new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var upright = new SKBitmap(info);
        using var canvas = new SKCanvas(upright);
        canvas.Clear(SKColors.White);
        canvas.SetMatrix(ExifOrientation.Matrix(codec.EncodedOrigin, raw.Width, raw.Height));
        canvas.DrawImage(decodedImage, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None));
        return upright;
    }
}
