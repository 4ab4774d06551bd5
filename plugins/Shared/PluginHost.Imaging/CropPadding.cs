using SkiaSharp;

namespace PluginHost.Imaging;

/// <summary>Paints a crop's margin with the crop's own background, so the margin adds no edge.</summary>
internal static class CropPadding
{
    /// <summary>The margin takes the per-channel median of the crop's outermost pixels (white text on black stays on black).</summary>
    public static void FillWithBorderMedian(SKBitmap bitmap, int width, int height, int padding)
    {
        var red = new int[256];
        var green = new int[256];
        var blue = new int[256];
        void Count(int x, int y)
        {
            var c = bitmap.GetPixel(padding + x, padding + y);
            red[c.Red]++;
            green[c.Green]++;
            blue[c.Blue]++;
        }
        for (var x = 0; x < width; x++)
        {
            Count(x, 0);
            Count(x, height - 1);
        }
        for (var y = 0; y < height; y++)
        {
            Count(0, y);
            Count(width - 1, y);
        }
        var half = (2 * width + 2 * height) / 2;
        var fill = new SKColor(Median(red, half), Median(green, half), Median(blue, half));
        if (fill == SKColors.White) return; // already white
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint { Color = fill, Style = SKPaintStyle.Fill, IsAntialias = false };
        var total = new SKSize(bitmap.Width, bitmap.Height);
        canvas.DrawRect(0, 0, total.Width, padding, paint);
        canvas.DrawRect(0, padding + height, total.Width, total.Height - padding - height, paint);
        canvas.DrawRect(0, padding, padding, height, paint);
        canvas.DrawRect(padding + width, padding, total.Width - padding - width, height, paint);
    }

    private static byte Median(ReadOnlySpan<int> histogram, int half)
    {
        for (int v = 0, seen = 0; v < 256; v++)
        {
            seen += histogram[v];
            if (seen > half) return (byte)v;
        }
        return 255;
    }
}
