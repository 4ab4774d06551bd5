namespace PluginHost.Imaging;

/// <summary>
/// Turns a binary mask into a polygon for <c>PolygonLabels</c>: the outer boundary of its largest 4-connected
/// component, traced along pixel edges (so a filled rectangle of pixels gives exactly its four corners), then
/// simplified with Douglas–Peucker (the tolerance in pixels). Masks of SAM, YOLO-seg and Grounded SAM
/// all become polygons here.
/// </summary>
public static class MaskOutline
{
    // Directions clockwise on screen (y down): east, south, west, north.
    private static readonly (int Dx, int Dy)[] Steps = [(1, 0), (0, 1), (-1, 0), (0, -1)];

    /// <summary>The outline's corners in pixel-corner coordinates (0..width, 0..height), clockwise; empty when the
    /// mask has no pixel on.</summary>
    public static IReadOnlyList<(double X, double Y)> Trace(ReadOnlySpan<byte> mask, int width, int height, double tolerance)
    {
        var labels = LargestComponent(mask, width, height, out var start);
        if (start < 0) return [];
        bool Inside(int x, int y) => x >= 0 && y >= 0 && x < width && y < height && labels[y * width + x];

        // The first pixel in row order has nothing above it: walk east along its top edge with the inside on the right.
        var (sx, sy) = (start % width, start / width);
        var (cx, cy, dir) = (sx, sy, 0);
        var corners = new List<(double X, double Y)>();
        var previous = -1;
        for (var guard = 0; guard < 4 * (width + 1) * (height + 1); guard++)
        {
            var (left, right) = Ahead(cx, cy, dir);
            var next = Inside(left.X, left.Y) ? (dir + 3) % 4 : Inside(right.X, right.Y) ? dir : (dir + 1) % 4;
            if (guard > 0 && cx == sx && cy == sy && next == 0) break;
            if (next != previous) corners.Add((cx, cy));
            previous = next;
            dir = next;
            cx += Steps[dir].Dx;
            cy += Steps[dir].Dy;
        }
        return tolerance > 0 ? Simplify(corners, tolerance) : corners;
    }

    /// <summary>The pixels ahead-left and ahead-right of corner (cx, cy) when facing <paramref name="dir"/>.</summary>
    private static ((int X, int Y) Left, (int X, int Y) Right) Ahead(int cx, int cy, int dir) => dir switch
    {
        0 => ((cx, cy - 1), (cx, cy)),
        1 => ((cx, cy), (cx - 1, cy)),
        2 => ((cx - 1, cy), (cx - 1, cy - 1)),
        _ => ((cx - 1, cy - 1), (cx, cy - 1)),
    };

    /// <summary>The largest 4-connected component as a pixel set, and its first pixel in row order (−1 when none).</summary>
    private static bool[] LargestComponent(ReadOnlySpan<byte> mask, int width, int height, out int start)
    {
        var component = new int[mask.Length];
        var queue = new Queue<int>();
        int best = 0, bestSize = 0, bestStart = -1, id = 0;
        for (var p = 0; p < mask.Length; p++)
        {
            if (mask[p] == 0 || component[p] != 0) continue;
            id++;
            var size = 0;
            component[p] = id;
            queue.Enqueue(p);
            while (queue.Count > 0)
            {
                var q = queue.Dequeue();
                size++;
                var (x, y) = (q % width, q / width);
                if (x > 0 && mask[q - 1] != 0 && component[q - 1] == 0) { component[q - 1] = id; queue.Enqueue(q - 1); }
                if (x < width - 1 && mask[q + 1] != 0 && component[q + 1] == 0) { component[q + 1] = id; queue.Enqueue(q + 1); }
                if (y > 0 && mask[q - width] != 0 && component[q - width] == 0) { component[q - width] = id; queue.Enqueue(q - width); }
                if (y < height - 1 && mask[q + width] != 0 && component[q + width] == 0) { component[q + width] = id; queue.Enqueue(q + width); }
            }
            if (size > bestSize) (best, bestSize, bestStart) = (id, size, p);
        }
        start = bestStart;
        var inside = new bool[mask.Length];
        for (var p = 0; p < mask.Length; p++) inside[p] = component[p] == best && best != 0;
        return inside;
    }

    /// <summary>Douglas–Peucker on a closed outline: split at the two farthest-apart corners, simplify each half.</summary>
    public static IReadOnlyList<(double X, double Y)> Simplify(List<(double X, double Y)> closed, double tolerance)
    {
        if (closed.Count <= 4) return closed;
        var far = 0;
        var farDistance = -1.0;
        for (var i = 1; i < closed.Count; i++)
        {
            var d = Square(closed[i].X - closed[0].X) + Square(closed[i].Y - closed[0].Y);
            if (d > farDistance) (far, farDistance) = (i, d);
        }
        var keep = new bool[closed.Count];
        keep[0] = keep[far] = true;
        Mark(closed, 0, far, tolerance, keep);
        var ring = closed.Concat([closed[0]]).ToList();
        Mark(ring, far, closed.Count, tolerance, keep);
        var result = new List<(double X, double Y)>();
        for (var i = 0; i < closed.Count; i++) if (keep[i]) result.Add(closed[i]);
        return result.Count >= 3 ? result : closed;
    }

    private static void Mark(List<(double X, double Y)> points, int first, int last, double tolerance, bool[] keep)
    {
        if (last - first < 2) return;
        var (ax, ay) = points[first];
        var (bx, by) = points[last];
        var length = Math.Sqrt(Square(bx - ax) + Square(by - ay));
        var index = -1;
        var max = tolerance;
        for (var i = first + 1; i < last; i++)
        {
            var (px, py) = points[i];
            var d = length == 0 ? Math.Sqrt(Square(px - ax) + Square(py - ay)) : Math.Abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length;
            if (d > max) (index, max) = (i, d);
        }
        if (index < 0) return;
        keep[index % keep.Length] = true;
        Mark(points, first, index, tolerance, keep);
        Mark(points, index, last, tolerance, keep);
    }

    private static double Square(double v) => v * v;
}
