namespace PluginHost.JobsBench;

/// <summary>Latency percentiles of one backend's interactive predictions.</summary>
public sealed record Latency(int Requests, double P50, double P99, int Failures)
{
    public static Latency Of(List<double> milliseconds, int failures)
    {
        milliseconds.Sort();
        double At(double q) => milliseconds.Count == 0 ? double.NaN : milliseconds[Math.Min(milliseconds.Count - 1, (int)Math.Ceiling(q * milliseconds.Count) - 1)];
        return new Latency(milliseconds.Count, At(0.50), At(0.99), failures);
    }

    public override string ToString() => $"n={Requests} p50={P50:0.00} ms p99={P99:0.00} ms{(Failures > 0 ? $" failures={Failures}" : "")}";
}
