using SkiaSharp;

namespace PluginHost.PaddleOcr.Tests.Support;

/// <summary>Photographed-like damage to a rendered page: Gaussian blur, and per-pixel noise (deterministic per seed).</summary>
public static class Degradations
{
    public static SKBitmap Blur(SKBitmap page, float sigma)
    {
        var blurred = new SKBitmap(page.Info);
        using var canvas = new SKCanvas(blurred);
        using var paint = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(sigma, sigma) };
        using var image = SKImage.FromBitmap(page);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), paint);
        return blurred;
    }

    /// <summary>Adds uniform noise of ±<paramref name="amplitude"/> to every channel.</summary>
    public static SKBitmap Noise(SKBitmap page, int amplitude, int seed)
    {
        var noisy = page.Copy();
        var random = new Random(seed);
        var pixels = noisy.GetPixelSpan();
        for (var i = 0; i < pixels.Length; i++)
        {
            if (i % 4 == 3) continue; // alpha
            pixels[i] = (byte)Math.Clamp(pixels[i] + random.Next(-amplitude, amplitude + 1), 0, 255);
        }
        return noisy;
    }

    public static byte[] Png(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
