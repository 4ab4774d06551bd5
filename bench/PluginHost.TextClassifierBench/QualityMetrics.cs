namespace PluginHost.TextClassifierBench;

public sealed record Quality(double Accuracy, double MacroF1);

public static class QualityMetrics
{
    public static Quality Score(IReadOnlyList<string> truth, IReadOnlyList<string?> predicted)
    {
        var labels = truth.Distinct().Order(StringComparer.Ordinal).ToList();
        var correct = truth.Where((t, i) => t == predicted[i]).Count();
        var f1s = labels.Select(label =>
        {
            var tp = truth.Where((t, i) => t == label && predicted[i] == label).Count();
            var fp = truth.Where((t, i) => t != label && predicted[i] == label).Count();
            var fn = truth.Where((t, i) => t == label && predicted[i] != label).Count();
            var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
            var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
            return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        });
        return new Quality((double)correct / truth.Count, f1s.Average());
    }

    public static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        values.Sort();
        return values[Math.Clamp((int)Math.Ceiling(p / 100 * values.Count) - 1, 0, values.Count - 1)];
    }
}
