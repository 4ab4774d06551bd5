using SkiaSharp;

namespace PluginHost.Imaging;

/// <summary>
/// Fits an image into a fixed-size model input, aspect kept (Ultralytics' letterbox by default: centred, gray 114),
/// and writes it as normalized float planes straight into the tensor. From a file, large JPEGs are decoded at a
/// reduced scale (far cheaper than a full decode) and EXIF orientation is applied on the way.
/// </summary>
public static class Letterbox
{
    /// <summary>Creates the RGBA canvas a worker reuses for every image of one input size.</summary>
    public static SKBitmap CreateCanvas(int width, int height) =>
        new(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));

    /// <summary>Where an upright <paramref name="width"/>×<paramref name="height"/> image lands in a
    /// <paramref name="targetWidth"/>×<paramref name="targetHeight"/> input.</summary>
    public static LetterboxGeometry Fit(int width, int height, int targetWidth, int targetHeight, LetterboxOptions? options = null)
    {
        if (width <= 0 || height <= 0) throw new InvalidDataException("the image has no pixels.");
        options ??= LetterboxOptions.Yolo;
        var centered = options.Centered;
        var (sx, sy) = ((double)targetWidth / width, (double)targetHeight / height);
        var gain = options.Cover ? Math.Max(sx, sy) : Math.Min(sx, sy);
        var scaledW = Math.Max(1, (int)Math.Round(width * gain));
        var scaledH = Math.Max(1, (int)Math.Round(height * gain));
        var left = centered ? (int)Math.Round((targetWidth - scaledW) / 2.0 - 0.1) : 0;
        var top = centered ? (int)Math.Round((targetHeight - scaledH) / 2.0 - 0.1) : 0;
        return new LetterboxGeometry(width, height, left, top, scaledW, scaledH);
    }

    /// <summary>Decodes the file at <paramref name="imagePath"/>, letterboxes it into <paramref name="canvas"/> and
    /// writes the canvas into <paramref name="chw"/>.</summary>
    public static LetterboxGeometry Prepare(string imagePath, SKBitmap canvas, Span<float> chw,
        LetterboxOptions? options = null, ChannelNormalization? normalization = null)
    {
        using var codec = ImageDecoder.OpenCodec(imagePath);
        var (width, height) = ImageDecoder.UprightSize(codec);
        var geometry = Fit(width, height, canvas.Width, canvas.Height, options);
        using var decoded = ImageDecoder.DecodeStored(codec, (float)geometry.Gain);
        var swaps = ExifOrientation.SwapsAxes(codec.EncodedOrigin);
        // Decoded (stored, possibly downscaled) pixels → upright pixels → the scaled rectangle.
        var uprightW = swaps ? decoded.Height : decoded.Width;
        var uprightH = swaps ? decoded.Width : decoded.Height;
        var place = SKMatrix.CreateScaleTranslation((float)geometry.ScaledWidth / uprightW, (float)geometry.ScaledHeight / uprightH, geometry.Left, geometry.Top);
        using var image = SKImage.FromBitmap(decoded);
        Draw(image, place.PreConcat(ExifOrientation.Matrix(codec.EncodedOrigin, decoded.Width, decoded.Height)), canvas, options);
        TensorPlanes.Write(canvas, chw, normalization);
        return geometry;
    }

    /// <summary>Letterboxes an already decoded image into <paramref name="canvas"/> and writes it into <paramref name="chw"/>.</summary>
    public static LetterboxGeometry Prepare(DecodedImage image, SKBitmap canvas, Span<float> chw,
        LetterboxOptions? options = null, ChannelNormalization? normalization = null)
    {
        var geometry = Fit(image.Width, image.Height, canvas.Width, canvas.Height, options);
        var place = SKMatrix.CreateScaleTranslation((float)geometry.ScaledWidth / image.Width, (float)geometry.ScaledHeight / image.Height, geometry.Left, geometry.Top);
        Draw(image.Image, place, canvas, options);
        TensorPlanes.Write(canvas, chw, normalization);
        return geometry;
    }

    private static void Draw(SKImage image, SKMatrix matrix, SKBitmap canvasBitmap, LetterboxOptions? options)
    {
        using var canvas = new SKCanvas(canvasBitmap);
        canvas.Clear((options ?? LetterboxOptions.Yolo).Padding);
        canvas.SetMatrix(matrix);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
    }
}
