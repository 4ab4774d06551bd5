using SkiaSharp;

namespace PluginHost.Plugins.PaddleOcr;

/// <summary>
/// Differentiable Binarization post-processing, as PaddleOCR's <c>DBPostProcess</c>: cut the text-probability map at
/// a threshold, take each 8-connected region (an outer contour), fit its minimum-area rectangle, drop small ones and
/// those whose mean probability is low, grow the rest by <c>area × unclip ratio / perimeter</c> (the detector was
/// trained on shrunk text), fit again and scale to the page.
/// </summary>
internal static class DbPostProcess
{
    private const int MinSize = 3;
    private const int MaxCandidates = 1000;

    public static List<TextQuad> Boxes(ReadOnlySpan<float> probability, int width, int height, double threshold, double boxThreshold,
        double unclipRatio, double scaleX, double scaleY)
    {
        var label = new int[width * height];
        var quads = new List<TextQuad>();
        var stack = new Stack<int>();
        var regions = 0;
        for (var start = 0; start < label.Length && regions < MaxCandidates; start++)
        {
            if (label[start] != 0 || !(probability[start] > threshold)) continue;
            regions++;
            var pixels = new List<(double X, double Y)>();
            label[start] = regions;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                var (x, y) = (p % width, p / width);
                pixels.Add((x, y));
                for (var dy = -1; dy <= 1; dy++)
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        var (nx, ny) = (x + dx, y + dy);
                        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
                        var q = ny * width + nx;
                        if (label[q] != 0 || !(probability[q] > threshold)) continue;
                        label[q] = regions;
                        stack.Push(q);
                    }
            }
            var rect = RotatedRect.MinAreaRect(pixels);
            if (Math.Min(rect.Width, rect.Height) < MinSize) continue;
            var score = MeanInside(probability, width, height, rect);
            if (score < boxThreshold) continue;
            var grown = rect.Grown(rect.Area * unclipRatio / rect.Perimeter);
            if (Math.Min(grown.Width, grown.Height) < MinSize + 2) continue;
            var corners = grown.OrderedCorners();
            for (var i = 0; i < 4; i++)
                corners[i] = new SKPoint(
                    (float)Math.Clamp(Math.Round(corners[i].X * scaleX), 0, Math.Round(width * scaleX)),
                    (float)Math.Clamp(Math.Round(corners[i].Y * scaleY), 0, Math.Round(height * scaleY)));
            quads.Add(new TextQuad(corners, score));
        }
        return quads;
    }

    /// <summary>Mean probability of the pixels whose centres lie in the rectangle (PaddleOCR's fast box score).</summary>
    private static double MeanInside(ReadOnlySpan<float> probability, int width, int height, RotatedRect rect)
    {
        var (sin, cos) = Math.SinCos(rect.Angle);
        var reach = (rect.Width + rect.Height) / 2 + 1;
        var (x0, x1) = (Math.Max(0, (int)Math.Floor(rect.Cx - reach)), Math.Min(width - 1, (int)Math.Ceiling(rect.Cx + reach)));
        var (y0, y1) = (Math.Max(0, (int)Math.Floor(rect.Cy - reach)), Math.Min(height - 1, (int)Math.Ceiling(rect.Cy + reach)));
        double sum = 0;
        var count = 0;
        for (var y = y0; y <= y1; y++)
            for (var x = x0; x <= x1; x++)
            {
                var (dx, dy) = (x - rect.Cx, y - rect.Cy);
                var u = dx * cos + dy * sin;
                var v = -dx * sin + dy * cos;
                if (Math.Abs(u) > rect.Width / 2 + 0.5 || Math.Abs(v) > rect.Height / 2 + 0.5) continue;
                sum += probability[y * width + x];
                count++;
            }
        return count == 0 ? 0 : sum / count;
    }
}
