using System.Numerics;

namespace PluginHost.Plugins.Segmentation.Sam;

/// <summary>Mask logits to brush pixels, once per click over every pixel of the image (1.2 M for 1280×960): vectorized,
/// counting the mask's area in the same pass.</summary>
internal static class MaskThreshold
{
    /// <summary>Writes 255 where a logit is above <paramref name="threshold"/> and 0 elsewhere (NaN: 0); returns how many are 255.</summary>
    public static int Apply(ReadOnlySpan<float> logits, float threshold, Span<byte> pixels)
    {
        if (pixels.Length < logits.Length) throw new ArgumentException("The pixel buffer is smaller than the mask.", nameof(pixels));
        var lanes = Vector<float>.Count;
        var step = Vector<byte>.Count; // four float vectors narrow into one byte vector
        var i = 0;
        var on = Vector<int>.Zero;
        if (Vector.IsHardwareAccelerated)
        {
            var limit = new Vector<float>(threshold);
            for (; i <= logits.Length - step; i += step)
            {
                // GreaterThan gives all-ones lanes (−1) for "on": narrowing keeps the low bits, so "on" becomes 0xFF.
                var a = Vector.GreaterThan(new Vector<float>(logits[i..]), limit);
                var b = Vector.GreaterThan(new Vector<float>(logits[(i + lanes)..]), limit);
                var c = Vector.GreaterThan(new Vector<float>(logits[(i + 2 * lanes)..]), limit);
                var d = Vector.GreaterThan(new Vector<float>(logits[(i + 3 * lanes)..]), limit);
                on += a + b + c + d;
                var low = Vector.Narrow(Vector.AsVectorUInt32(a), Vector.AsVectorUInt32(b));
                var high = Vector.Narrow(Vector.AsVectorUInt32(c), Vector.AsVectorUInt32(d));
                Vector.Narrow(low, high).CopyTo(pixels[i..]);
            }
        }
        var area = -Vector.Sum(on);
        for (; i < logits.Length; i++)
        {
            var set = logits[i] > threshold;
            pixels[i] = set ? (byte)255 : (byte)0;
            if (set) area++;
        }
        return area;
    }
}
