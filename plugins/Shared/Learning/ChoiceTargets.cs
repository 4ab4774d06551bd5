using PluginHost.Plugins.Text;

namespace PluginHost.Plugins.Learning;

/// <summary>
/// What a choices classifier learns from the annotators' labels: the labels it models and a target row per example.
/// Single choice: the labels some annotation chose (at least two), one-hot rows. Multiple choice: every label that is
/// sometimes but not always chosen, 0/1 rows; a label always or never chosen has nothing to separate and is kept as its
/// observed rate (a constant probability).
/// </summary>
internal sealed record ChoiceTargets(List<string> ModelLabels, Dictionary<string, double> Constants, double[][] Rows)
{
    public static ChoiceTargets From(IReadOnlyList<IReadOnlyList<string>> labels, ChoicesTarget target)
    {
        var n = labels.Count;
        var constants = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!target.Multiple)
        {
            var used = target.Labels.Where(l => labels.Any(set => set.Contains(l))).ToList();
            if (used.Count < 2)
                throw new InvalidOperationException($"Single-choice training needs annotations with at least two different labels of '{target.ControlName}'; "
                    + $"got {(used.Count == 0 ? "none" : "only '" + used[0] + "'")} in {n} annotation(s).");
            var rows = labels.Select(set =>
            {
                var row = new double[used.Count];
                var first = set.FirstOrDefault(used.Contains);
                if (first is not null) row[used.IndexOf(first)] = 1;
                return row;
            }).ToArray();
            return new ChoiceTargets(used, constants, rows);
        }
        var modelLabels = new List<string>();
        foreach (var label in target.Labels)
        {
            var positives = labels.Count(set => set.Contains(label));
            if (positives == 0 || positives == n) constants[label] = (double)positives / n;
            else modelLabels.Add(label);
        }
        return new ChoiceTargets(modelLabels, constants, labels.Select(set => modelLabels.Select(l => set.Contains(l) ? 1.0 : 0.0).ToArray()).ToArray());
    }
}
