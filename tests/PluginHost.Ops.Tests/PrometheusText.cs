using System.Globalization;
using System.Text.RegularExpressions;

namespace PluginHost.Ops.Tests;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4): every line is a comment (<c># HELP</c>,
/// <c># TYPE</c>) or a sample <c>name{label="value",…} number</c>; a malformed line throws.
/// </summary>
internal sealed partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

    public List<Sample> Samples { get; } = [];

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                parsed.Types.Add(parts[2], parts[3]);
                continue;
            }
            if (line.StartsWith('#')) continue;
            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"Not a Prometheus sample line: {line}");
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups[1].Value, m => Regex.Unescape(m.Groups[2].Value));
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            parsed.Samples.Add(new Sample(match.Groups["name"].Value, labels, value));
        }
        return parsed;
    }

    /// <summary>The sum of a metric's samples whose labels include <paramref name="labels"/>.</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).Sum(s => s.Value);

    /// <summary>Every histogram is well formed: buckets cumulative in <c>le</c>, the <c>+Inf</c> bucket equal to <c>_count</c>.</summary>
    public void AssertHistogramsConsistent()
    {
        foreach (var family in Types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            var series = Samples.Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")));
            foreach (var buckets in series)
            {
                var ordered = buckets.OrderBy(b => double.Parse(b.Labels["le"].Replace("+Inf", "Infinity"), CultureInfo.InvariantCulture)).ToList();
                for (var i = 1; i < ordered.Count; i++) Assert.True(ordered[i].Value >= ordered[i - 1].Value, $"{family} {buckets.Key}: buckets not cumulative");
                var count = Samples.Single(s => s.Name == family + "_count" && SameSeries(s, ordered[^1]));
                Assert.Equal(ordered[^1].Value, count.Value);
                Assert.Equal("+Inf", ordered[^1].Labels["le"]);
            }
        }
    }

    private static bool SameSeries(Sample a, Sample bucket) =>
        a.Labels.Count == bucket.Labels.Count - 1 && a.Labels.All(l => bucket.Labels.GetValueOrDefault(l.Key) == l.Value);

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*)\})? (?<value>[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|[-+]Inf|NaN)( -?\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((\\.|[^""\\])*)""")]
    private static partial Regex LabelPair();
}
