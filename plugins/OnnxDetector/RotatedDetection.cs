namespace PluginHost.Plugins.OnnxDetector;

/// <summary>An oriented box in model-input pixels: centre, size, and angle in radians (clockwise on screen, y down),
/// regularised as Ultralytics does (width the longer side, angle in [0, π)).</summary>
internal readonly record struct RotatedDetection(float Cx, float Cy, float W, float H, float Angle, int ClassId, float Score)
{
    /// <summary>Ultralytics' <c>regularize_rboxes</c>: a box taller than wide is the same box turned a quarter.</summary>
    public static RotatedDetection Regularized(float cx, float cy, float w, float h, float angle, int classId, float score)
    {
        if (h > w)
        {
            (w, h) = (h, w);
            angle += MathF.PI / 2;
        }
        angle %= MathF.PI;
        if (angle < 0) angle += MathF.PI;
        return new RotatedDetection(cx, cy, w, h, angle, classId, score);
    }

    /// <summary>Corners clockwise on screen from the one the width axis starts at (Label Studio's top-left corner).</summary>
    public (double X, double Y)[] Corners()
    {
        var (sin, cos) = Math.SinCos(Angle);
        var (ux, uy) = (W / 2 * cos, W / 2 * sin);   // half the width axis
        var (vx, vy) = (-H / 2 * sin, H / 2 * cos);  // half the height axis
        return [(Cx - ux - vx, Cy - uy - vy), (Cx + ux - vx, Cy + uy - vy), (Cx + ux + vx, Cy + uy + vy), (Cx - ux + vx, Cy - uy + vy)];
    }

    public float IoU(in RotatedDetection other)
    {
        var intersection = ConvexPolygons.IntersectionArea(Corners(), other.Corners());
        var union = W * H + other.W * other.H - intersection;
        return union <= 0 ? 0 : (float)(intersection / union);
    }
}

/// <summary>Decodes an oriented-box output <c>[4+C+1, N]</c> (cx, cy, w, h, class scores, angle) and suppresses
/// overlaps per class with rotated IoU.</summary>
internal static class ObbDecoder
{
    public static List<RotatedDetection> Decode(YoloOutputs output, int image, float threshold, float iouThreshold, int maxDetections, Func<int, bool> wantClass)
    {
        var data = output.Image(image);
        var n = output.Candidates;
        var angleChannel = output.ExtraStart;
        var found = new List<RotatedDetection>();
        for (var i = 0; i < n; i++)
        {
            var best = 0;
            var score = data[4 * n + i];
            for (var c = 1; c < output.Classes; c++)
            {
                var s = data[(4 + c) * n + i];
                if (s > score) (best, score) = (c, s);
            }
            if (!(score >= threshold) || !wantClass(best)) continue; // NaN never passes
            found.Add(RotatedDetection.Regularized(data[i], data[n + i], data[2 * n + i], data[3 * n + i], data[angleChannel * n + i], best, score));
        }
        found.Sort((a, b) => b.Score.CompareTo(a.Score));
        var kept = new List<RotatedDetection>();
        foreach (var box in found)
        {
            if (kept.Count >= maxDetections) break;
            var overlaps = false;
            foreach (var k in kept)
                if (k.ClassId == box.ClassId && k.IoU(box) > iouThreshold)
                {
                    overlaps = true;
                    break;
                }
            if (!overlaps) kept.Add(box);
        }
        return kept;
    }
}

/// <summary>Intersection of convex polygons (Sutherland–Hodgman clipping, shoelace area).</summary>
internal static class ConvexPolygons
{
    public static double IntersectionArea((double X, double Y)[] subject, (double X, double Y)[] clip)
    {
        var output = new List<(double X, double Y)>(subject);
        var orientation = Math.Sign(SignedArea(clip));
        for (var e = 0; e < clip.Length && output.Count > 0; e++)
        {
            var (a, b) = (clip[e], clip[(e + 1) % clip.Length]);
            var input = output;
            output = new List<(double X, double Y)>(input.Count + 2);
            for (var i = 0; i < input.Count; i++)
            {
                var current = input[i];
                var previous = input[(i + input.Count - 1) % input.Count];
                var currentIn = Side(a, b, current) * orientation >= 0;
                var previousIn = Side(a, b, previous) * orientation >= 0;
                if (currentIn)
                {
                    if (!previousIn) output.Add(Cross(previous, current, a, b));
                    output.Add(current);
                }
                else if (previousIn) output.Add(Cross(previous, current, a, b));
            }
        }
        return output.Count < 3 ? 0 : Math.Abs(SignedArea([.. output]));
    }

    private static double Side((double X, double Y) a, (double X, double Y) b, (double X, double Y) p) =>
        (b.X - a.X) * (p.Y - a.Y) - (b.Y - a.Y) * (p.X - a.X);

    private static (double X, double Y) Cross((double X, double Y) p, (double X, double Y) q, (double X, double Y) a, (double X, double Y) b)
    {
        var sp = Side(a, b, p);
        var sq = Side(a, b, q);
        var t = sp / (sp - sq);
        return (p.X + t * (q.X - p.X), p.Y + t * (q.Y - p.Y));
    }

    private static double SignedArea((double X, double Y)[] polygon)
    {
        var sum = 0.0;
        for (var i = 0; i < polygon.Length; i++)
        {
            var (p, q) = (polygon[i], polygon[(i + 1) % polygon.Length]);
            sum += p.X * q.Y - q.X * p.Y;
        }
        return sum / 2;
    }
}
