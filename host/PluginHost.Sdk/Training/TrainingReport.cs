using System.Globalization;

namespace PluginHost.Sdk.Training;

/// <summary>
/// The evaluation figures and training curves a trainer reported through <see cref="TrainingContext"/>. Thread-safe (a
/// trainer may report from parallel work); bounded so a chatty trainer cannot bloat <c>version.json</c>.
/// </summary>
internal sealed class TrainingReport
{
    public const int MaxCurvePoints = 2_000;
    public const int MaxNames = 32;
    private const int MaxNameLength = 64;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, double> _metrics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(int Step, double Value)>> _curves = new(StringComparer.Ordinal);

    private readonly HashSet<string> _truncated = new(StringComparer.Ordinal);

    public void AddMetric(string name, double value)
    {
        Check(name, value, "metric");
        lock (_lock)
        {
            if (!_metrics.ContainsKey(name) && _metrics.Count >= MaxNames)
                throw new ArgumentException($"At most {MaxNames} metrics per version; '{name}' is one too many.", nameof(name));
            _metrics[name] = value;
        }
    }

    public void AddCurvePoint(string curve, int step, double value)
    {
        Check(curve, value, "curve");
        lock (_lock)
        {
            if (!_curves.TryGetValue(curve, out var points))
            {
                if (_curves.Count >= MaxNames) throw new ArgumentException($"At most {MaxNames} curves per version; '{curve}' is one too many.", nameof(curve));
                _curves[curve] = points = [];
            }
            if (points.Count < MaxCurvePoints) points.Add((step, value));
            else _truncated.Add(curve);
        }
    }

    /// <summary>A copy of the metrics, or null when none were reported.</summary>
    public IReadOnlyDictionary<string, double>? Metrics()
    {
        lock (_lock) return _metrics.Count == 0 ? null : new SortedDictionary<string, double>(_metrics, StringComparer.Ordinal);
    }

    /// <summary>A copy of the curves, or null when none were reported.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(int Step, double Value)>>? Curves()
    {
        lock (_lock)
            return _curves.Count == 0
                ? null
                : new SortedDictionary<string, IReadOnlyList<(int Step, double Value)>>(_curves.ToDictionary(c => c.Key, c => (IReadOnlyList<(int Step, double Value)>)c.Value.ToArray()),
                    StringComparer.Ordinal);
    }

    /// <summary>Names of curves that reached <see cref="MaxCurvePoints"/> and lost points.</summary>
    public IReadOnlyList<string> TruncatedCurves()
    {
        lock (_lock) return [.. _truncated];
    }

    private static void Check(string name, double value, string what)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            throw new ArgumentException($"A {what} name is 1–{MaxNameLength} letters, digits, '_', '.' or '-', not '{name}'.", nameof(name));
        if (!double.IsFinite(value))
            throw new ArgumentException($"The {what} '{name}' must be a finite number, not {value.ToString(CultureInfo.InvariantCulture)}.", nameof(value));
    }
}
