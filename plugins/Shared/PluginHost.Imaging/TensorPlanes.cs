using System.Collections.Concurrent;
using SkiaSharp;

namespace PluginHost.Imaging;

/// <summary>Writes an RGBA (or gray) bitmap into three float planes (CHW), the layout image models read.</summary>
public static class TensorPlanes
{
    private static readonly ConcurrentDictionary<ChannelNormalization, float[][]> TableCache = new();

    /// <summary>
    /// Writes <paramref name="bitmap"/> into <paramref name="chw"/> (3 × height × width floats): planes R, G, B (or B,
    /// G, R when <see cref="ChannelNormalization.Bgr"/>), each normalized per <paramref name="normalization"/>
    /// (default <see cref="ChannelNormalization.Unit"/>). <paramref name="planeWidth"/>/<paramref name="planeHeight"/>
    /// may exceed the bitmap (the rest of the plane is left as it is), so a bitmap can go into a larger input.
    /// </summary>
    public static void Write(SKBitmap bitmap, Span<float> chw, ChannelNormalization? normalization = null, int planeWidth = 0, int planeHeight = 0)
    {
        normalization ??= ChannelNormalization.Unit;
        var tables = TableCache.GetOrAdd(normalization, n => n.Tables());
        planeWidth = planeWidth > 0 ? planeWidth : bitmap.Width;
        planeHeight = planeHeight > 0 ? planeHeight : bitmap.Height;
        if (planeWidth < bitmap.Width || planeHeight < bitmap.Height)
            throw new ArgumentException($"A {bitmap.Width}x{bitmap.Height} bitmap does not fit a {planeWidth}x{planeHeight} plane.");
        var plane = planeWidth * planeHeight;
        if (chw.Length < 3 * plane) throw new ArgumentException($"The tensor holds {chw.Length} floats; 3 planes of {planeWidth}x{planeHeight} need {3 * plane}.");
        var bgr = normalization.Bgr;
        var p0 = chw[..plane];
        var p1 = chw.Slice(plane, plane);
        var p2 = chw.Slice(2 * plane, plane);
        var (t0, t1, t2) = (tables[0], tables[1], tables[2]);
        var pixels = bitmap.GetPixelSpan();
        var stride = bitmap.RowBytes;
        var gray = bitmap.ColorType == SKColorType.Gray8;
        if (!gray && bitmap.ColorType != SKColorType.Rgba8888)
            throw new ArgumentException($"Expected a Gray8 or Rgba8888 bitmap, not {bitmap.ColorType}.", nameof(bitmap));
        for (var y = 0; y < bitmap.Height; y++)
        {
            var row = pixels.Slice(y * stride);
            var o = y * planeWidth;
            for (var x = 0; x < bitmap.Width; x++, o++)
            {
                int r, g, b;
                if (gray) r = g = b = row[x];
                else
                {
                    var q = 4 * x;
                    (r, g, b) = (row[q], row[q + 1], row[q + 2]);
                }
                p0[o] = t0[bgr ? b : r];
                p1[o] = t1[g];
                p2[o] = t2[bgr ? r : b];
            }
        }
    }
}
