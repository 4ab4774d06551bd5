using PluginHost.Imaging;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>
/// One instance's mask in model-input pixels, inside its box: <c>sigmoid(coefficients · prototypes)</c> at prototype
/// resolution, upsampled bilinearly (half-pixel centres, as <c>F.interpolate</c>), cropped to the box and cut at 0.5 —
/// what Ultralytics' <c>process_mask</c> does.
/// </summary>
internal sealed class InstanceMask
{
    private InstanceMask(byte[] bits, int left, int top, int width, int height) => (Bits, Left, Top, Width, Height) = (bits, left, top, width, height);

    /// <summary>One byte per pixel of the box region, row by row: 1 inside the instance.</summary>
    public byte[] Bits { get; }

    public int Left { get; }

    public int Top { get; }

    public int Width { get; }

    public int Height { get; }

    public bool IsEmpty => !Bits.AsSpan().ContainsAnyExcept((byte)0);

    public bool Contains(int inputX, int inputY)
    {
        var (x, y) = (inputX - Left, inputY - Top);
        return x >= 0 && y >= 0 && x < Width && y < Height && Bits[y * Width + x] != 0;
    }

    public static InstanceMask Decode(YoloOutputs output, int image, in Detection d, int inputWidth, int inputHeight)
    {
        var left = Math.Clamp((int)Math.Ceiling(d.X1 - 0.5), 0, inputWidth);   // pixels whose centre lies in the box
        var top = Math.Clamp((int)Math.Ceiling(d.Y1 - 0.5), 0, inputHeight);
        var right = Math.Clamp((int)Math.Ceiling(d.X2 - 0.5), 0, inputWidth);
        var bottom = Math.Clamp((int)Math.Ceiling(d.Y2 - 0.5), 0, inputHeight);
        var (width, height) = (Math.Max(0, right - left), Math.Max(0, bottom - top));
        var bits = new byte[width * height];
        if (width == 0 || height == 0) return new InstanceMask(bits, left, top, 0, 0);

        var (ph, pw, m) = (output.ProtoHeight, output.ProtoWidth, output.MaskChannels);
        var (sx, sy) = ((double)pw / inputWidth, (double)ph / inputHeight);
        // The prototype window the box samples from (bilinear needs one more pixel on each side).
        var px0 = Math.Clamp((int)Math.Floor((left + 0.5) * sx - 0.5), 0, pw - 1);
        var px1 = Math.Clamp((int)Math.Floor((right - 0.5) * sx - 0.5) + 1, 0, pw - 1);
        var py0 = Math.Clamp((int)Math.Floor((top + 0.5) * sy - 0.5), 0, ph - 1);
        var py1 = Math.Clamp((int)Math.Floor((bottom - 0.5) * sy - 0.5) + 1, 0, ph - 1);
        var ww = px1 - px0 + 1;
        var window = new float[ww * (py1 - py0 + 1)];
        var coefficients = new float[m];
        var values = output.Image(image);
        for (var c = 0; c < m; c++) coefficients[c] = output.Value(values, d.Index, output.ExtraStart + c);
        var protos = output.Protos(image);
        for (var y = py0; y <= py1; y++)
            for (var x = px0; x <= px1; x++)
            {
                var sum = 0f;
                for (var c = 0; c < m; c++) sum += coefficients[c] * protos[(c * ph + y) * pw + x];
                window[(y - py0) * ww + (x - px0)] = 1f / (1f + MathF.Exp(-sum));
            }

        for (var y = 0; y < height; y++)
        {
            var fy = Math.Clamp((top + y + 0.5) * sy - 0.5, 0, ph - 1);
            var y0 = Math.Min((int)fy, ph - 1);
            var y1 = Math.Min(y0 + 1, ph - 1);
            var ty = fy - y0;
            for (var x = 0; x < width; x++)
            {
                var fx = Math.Clamp((left + x + 0.5) * sx - 0.5, 0, pw - 1);
                var x0 = Math.Min((int)fx, pw - 1);
                var x1 = Math.Min(x0 + 1, pw - 1);
                var tx = fx - x0;
                double At(int px, int py) => window[(Math.Clamp(py, py0, py1) - py0) * ww + (Math.Clamp(px, px0, px1) - px0)];
                var value = (1 - ty) * ((1 - tx) * At(x0, y0) + tx * At(x1, y0)) + ty * ((1 - tx) * At(x0, y1) + tx * At(x1, y1));
                if (value > 0.5) bits[y * width + x] = 1;
            }
        }
        return new InstanceMask(bits, left, top, width, height);
    }

    /// <summary>The mask on the original image (nearest input pixel under each original pixel's centre), one byte per
    /// original pixel — what a <c>BrushLabels</c> RLE encodes.</summary>
    public byte[] ToOriginal(LetterboxGeometry geometry)
    {
        var (w, h) = (geometry.OriginalWidth, geometry.OriginalHeight);
        var mask = new byte[w * h];
        var x0 = Math.Clamp((int)Math.Floor(geometry.ToOriginalX(Left)), 0, w);
        var x1 = Math.Clamp((int)Math.Ceiling(geometry.ToOriginalX(Left + Width)), 0, w);
        var y0 = Math.Clamp((int)Math.Floor(geometry.ToOriginalY(Top)), 0, h);
        var y1 = Math.Clamp((int)Math.Ceiling(geometry.ToOriginalY(Top + Height)), 0, h);
        for (var y = y0; y < y1; y++)
        {
            var iy = (int)Math.Floor(geometry.ToInputY(y + 0.5));
            for (var x = x0; x < x1; x++)
                if (Contains((int)Math.Floor(geometry.ToInputX(x + 0.5)), iy)) mask[y * w + x] = 1;
        }
        return mask;
    }

    /// <summary>The outline of the largest part, in original-image pixels (corners along pixel edges, simplified).</summary>
    public IReadOnlyList<(double X, double Y)> Outline(LetterboxGeometry geometry, double tolerance) =>
        [.. MaskOutline.Trace(Bits, Width, Height, tolerance).Select(p => (geometry.ToOriginalX(Left + p.X), geometry.ToOriginalY(Top + p.Y)))];
}
