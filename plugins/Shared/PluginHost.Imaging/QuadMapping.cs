using SkiaSharp;

namespace PluginHost.Imaging;

/// <summary>The perspective transform taking a quadrilateral onto an upright rectangle (a homography from four
/// point pairs), as a Skia matrix to draw with.</summary>
public static class QuadMapping
{
    /// <summary>Maps <paramref name="corners"/> (top-left, top-right, bottom-right, bottom-left) onto
    /// (0,0), (width,0), (width,height), (0,height).</summary>
    public static SKMatrix ToRectangle(ReadOnlySpan<SKPoint> corners, int width, int height)
    {
        ReadOnlySpan<(double X, double Y)> to = [(0, 0), (width, 0), (width, height), (0, height)];
        // Unknowns a..h of x' = (a x + b y + c) / (g x + h y + 1), y' = (d x + e y + f) / (g x + h y + 1).
        var m = new double[8, 9];
        for (var i = 0; i < 4; i++)
        {
            double x = corners[i].X, y = corners[i].Y, u = to[i].X, v = to[i].Y;
            double[] rowU = [x, y, 1, 0, 0, 0, -u * x, -u * y, u];
            double[] rowV = [0, 0, 0, x, y, 1, -v * x, -v * y, v];
            for (var j = 0; j < 9; j++)
            {
                m[2 * i, j] = rowU[j];
                m[2 * i + 1, j] = rowV[j];
            }
        }
        var h = Solve(m);
        return new SKMatrix((float)h[0], (float)h[1], (float)h[2], (float)h[3], (float)h[4], (float)h[5], (float)h[6], (float)h[7], 1);
    }

    /// <summary>Gauss–Jordan elimination with partial pivoting on an augmented 8×9 system.</summary>
    private static double[] Solve(double[,] m)
    {
        const int n = 8;
        for (var col = 0; col < n; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < n; r++)
                if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            if (Math.Abs(m[pivot, col]) < 1e-12) throw new ArgumentException("The quadrilateral is degenerate (three corners on a line).");
            if (pivot != col)
                for (var j = 0; j <= n; j++) (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j]);
            for (var r = 0; r < n; r++)
            {
                if (r == col) continue;
                var f = m[r, col] / m[col, col];
                if (f == 0) continue;
                for (var j = col; j <= n; j++) m[r, j] -= f * m[col, j];
            }
        }
        var result = new double[n];
        for (var i = 0; i < n; i++) result[i] = m[i, n] / m[i, i];
        return result;
    }
}
