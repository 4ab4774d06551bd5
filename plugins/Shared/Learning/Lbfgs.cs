using System.Numerics;
using System.Runtime.InteropServices;

namespace PluginHost.Plugins.Learning;

/// <summary>
/// Limited-memory BFGS with a backtracking (Armijo) line search: minimises a smooth convex loss such as a regularised
/// logistic regression in tens of iterations. <c>objective(x, gradient)</c> returns the loss and fills the gradient;
/// <c>onIteration(iteration, loss)</c>, when given, hears the starting loss (iteration 0) and the loss after each iteration
/// (the trainers report it as their loss curve).
/// </summary>
internal static class Lbfgs
{
    public delegate double Objective(double[] x, double[] gradient);

    public static double[] Minimize(Objective objective, double[] start, int maxIterations, CancellationToken cancellationToken, int memory = 10,
        double tolerance = 1e-6, Action<int, double>? onIteration = null)
    {
        var n = start.Length;
        var x = (double[])start.Clone();
        var g = new double[n];
        var loss = objective(x, g);
        onIteration?.Invoke(0, loss);
        // Curvature pairs in a ring of preallocated vectors: models with millions of weights allocate nothing per iteration.
        var s = new List<double[]>(memory);
        var y = new List<double[]>(memory);
        var spare = new Stack<(double[] S, double[] Y)>();
        var direction = new double[n];
        var nextX = new double[n];
        var nextG = new double[n];
        var alpha = new double[memory];
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (MaxAbs(g) < tolerance) break;

            // Two-loop recursion: direction = -H·g.
            for (var i = 0; i < n; i++) direction[i] = -g[i];
            for (var k = s.Count - 1; k >= 0; k--)
            {
                alpha[k] = Dot(s[k], direction) / Dot(y[k], s[k]);
                Axpy(-alpha[k], y[k], direction);
            }
            var gamma = s.Count > 0 ? Dot(s[^1], y[^1]) / Dot(y[^1], y[^1]) : 1 / Math.Max(1e-12, Math.Sqrt(Dot(g, g)));
            for (var i = 0; i < n; i++) direction[i] *= gamma;
            for (var k = 0; k < s.Count; k++)
            {
                var beta = Dot(y[k], direction) / Dot(y[k], s[k]);
                Axpy(alpha[k] - beta, s[k], direction);
            }

            var slope = Dot(g, direction);
            if (slope >= 0)
            {
                // Not a descent direction (curvature information went stale): restart from steepest descent.
                for (var k = 0; k < s.Count; k++) spare.Push((s[k], y[k]));
                s.Clear();
                y.Clear();
                for (var i = 0; i < n; i++) direction[i] = -g[i] / Math.Max(1e-12, Math.Sqrt(Dot(g, g)));
                slope = Dot(g, direction);
            }

            var step = 1.0;
            double nextLoss;
            while (true)
            {
                for (var i = 0; i < n; i++) nextX[i] = x[i] + step * direction[i];
                nextLoss = objective(nextX, nextG);
                if (nextLoss <= loss + 1e-4 * step * slope || step < 1e-10) break;
                step *= 0.5;
            }

            var (sk, yk) = spare.Count > 0 ? spare.Pop() : s.Count == memory ? (s[0], y[0]) : (new double[n], new double[n]);
            for (var i = 0; i < n; i++)
            {
                sk[i] = nextX[i] - x[i];
                yk[i] = nextG[i] - g[i];
            }
            var improvement = loss - nextLoss;
            (x, nextX) = (nextX, x);
            (g, nextG) = (nextG, g);
            loss = nextLoss;
            onIteration?.Invoke(iteration + 1, loss);
            if (s.Count == memory && ReferenceEquals(s[0], sk))
            {
                s.RemoveAt(0);
                y.RemoveAt(0);
            }
            if (Dot(sk, yk) > 1e-12)
            {
                if (s.Count == memory)
                {
                    spare.Push((s[0], y[0]));
                    s.RemoveAt(0);
                    y.RemoveAt(0);
                }
                s.Add(sk);
                y.Add(yk);
            }
            else
            {
                spare.Push((sk, yk));
            }
            if (improvement >= 0 && improvement < 1e-10 * Math.Max(1, Math.Abs(loss))) break;
        }
        return x;
    }

    // SIMD over millions of weights: these three loops are most of an iteration's cost for a large text model.
    private static double Dot(double[] a, double[] b)
    {
        var va = MemoryMarshal.Cast<double, Vector<double>>(a);
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b);
        var sum = Vector<double>.Zero;
        for (var i = 0; i < va.Length; i++) sum += va[i] * vb[i];
        var total = Vector.Sum(sum);
        for (var i = va.Length * Vector<double>.Count; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
        var vy = MemoryMarshal.Cast<double, Vector<double>>(y.AsSpan());
        for (var i = 0; i < vx.Length; i++) vy[i] += a * vx[i];
        for (var i = vx.Length * Vector<double>.Count; i < x.Length; i++) y[i] += a * x[i];
    }

    private static double MaxAbs(double[] a)
    {
        var max = 0.0;
        foreach (var v in a) max = Math.Max(max, Math.Abs(v));
        return max;
    }
}
