using SkiaSharp;

namespace PluginHost.Bench;

/// <summary>Photo-like benchmark images: a random background with random overlapping discs, as JPEG.</summary>
internal static class BenchImages
{
    /// <summary>Writes image <paramref name="index"/> (the same pixels for the same index) as <paramref name="name"/>
    /// and returns the Label Studio local-files URL of it.</summary>
    public static string WriteJpeg(string dir, string name, int index, int width, int height, int discs)
    {
        var random = new Random(index);
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            using var paint = new SKPaint { IsAntialias = true };
            var maxRadius = Math.Min(width, height) * 3 / 16;
            for (var i = 0; i < discs; i++)
            {
                paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                canvas.DrawCircle(random.Next(width), random.Next(height), random.Next(maxRadius / 12, maxRadius), paint);
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        File.WriteAllBytes(Path.Combine(dir, name), data.ToArray());
        return "/data/local-files/?d=" + Uri.EscapeDataString(name);
    }
}
