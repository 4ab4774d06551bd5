using SkiaSharp;

namespace PluginHost.Plugins.PaddleOcr;

/// <summary>A rotated rectangle: centre, size (width along <see cref="Angle"/>) and angle in radians.</summary>
internal readonly record struct RotatedRect(double Cx, double Cy, double Width, double Height, double Angle)
{
    public double Area => Width * Height;

    public double Perimeter => 2 * (Width + Height);

    /// <summary>The smallest-area rectangle around the points (convex hull, then rotating calipers: one side of the
    /// best rectangle lies on a hull edge), as OpenCV's <c>minAreaRect</c>.</summary>
    public static RotatedRect MinAreaRect(IReadOnlyList<(double X, double Y)> points)
    {
        var hull = ConvexHull(points);
        if (hull.Count == 1) return new RotatedRect(hull[0].X, hull[0].Y, 0, 0, 0);
        var best = default(RotatedRect);
        var bestArea = double.MaxValue;
        for (var i = 0; i < hull.Count; i++)
        {
            var (a, b) = (hull[i], hull[(i + 1) % hull.Count]);
            var angle = Math.Atan2(b.Y - a.Y, b.X - a.X);
            var (sin, cos) = Math.SinCos(angle);
            double minU = double.MaxValue, maxU = double.MinValue, minV = double.MaxValue, maxV = double.MinValue;
            foreach (var p in hull)
            {
                var u = p.X * cos + p.Y * sin;
                var v = -p.X * sin + p.Y * cos;
                (minU, maxU, minV, maxV) = (Math.Min(minU, u), Math.Max(maxU, u), Math.Min(minV, v), Math.Max(maxV, v));
            }
            var area = (maxU - minU) * (maxV - minV);
            if (area >= bestArea) continue;
            bestArea = area;
            var (cu, cv) = ((minU + maxU) / 2, (minV + maxV) / 2);
            best = new RotatedRect(cu * cos - cv * sin, cu * sin + cv * cos, maxU - minU, maxV - minV, angle);
        }
        return best;
    }

    /// <summary>The rectangle grown by <paramref name="distance"/> on every side.</summary>
    public RotatedRect Grown(double distance) => this with { Width = Width + 2 * distance, Height = Height + 2 * distance };

    /// <summary>Corners ordered as text reads: the rectangle's sides are taken along its longer axis when it is wide,
    /// and PaddleOCR's ordering (left pair by x, then each pair by y) decides which corner is the top-left.</summary>
    public SKPoint[] OrderedCorners()
    {
        var (sin, cos) = Math.SinCos(Angle);
        var (ux, uy) = (Width / 2 * cos, Width / 2 * sin);
        var (vx, vy) = (-Height / 2 * sin, Height / 2 * cos);
        var points = new[]
        {
            (X: Cx - ux - vx, Y: Cy - uy - vy), (X: Cx + ux - vx, Y: Cy + uy - vy),
            (X: Cx + ux + vx, Y: Cy + uy + vy), (X: Cx - ux + vx, Y: Cy - uy + vy),
        }.OrderBy(p => p.X).ToArray();
        var (left, right) = (points[..2].OrderBy(p => p.Y).ToArray(), points[2..].OrderBy(p => p.Y).ToArray());
        return [P(left[0]), P(right[0]), P(right[1]), P(left[1])];
        static SKPoint P((double X, double Y) p) => new((float)p.X, (float)p.Y);
    }

    /// <summary>Andrew's monotone chain; collinear points dropped.</summary>
    private static List<(double X, double Y)> ConvexHull(IReadOnlyList<(double X, double Y)> points)
    {
        var sorted = points.Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        if (sorted.Count < 3) return sorted;
        var hull = new List<(double X, double Y)>(2 * sorted.Count);
        static double Cross((double X, double Y) o, (double X, double Y) a, (double X, double Y) b) => (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
        foreach (var p in sorted)
        {
            while (hull.Count >= 2 && Cross(hull[^2], hull[^1], p) <= 0) hull.RemoveAt(hull.Count - 1);
            hull.Add(p);
        }
        var lower = hull.Count + 1;
        for (var i = sorted.Count - 2; i >= 0; i--)
        {
            while (hull.Count >= lower && Cross(hull[^2], hull[^1], sorted[i]) <= 0) hull.RemoveAt(hull.Count - 1);
            hull.Add(sorted[i]);
        }
        hull.RemoveAt(hull.Count - 1);
        return hull;
    }
}
