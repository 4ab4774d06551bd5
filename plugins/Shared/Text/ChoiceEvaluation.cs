using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Training;

namespace PluginHost.Plugins.Text;

/// <summary>
/// Scores a choices classifier on the host's held-out examples and reports the figures on the training context:
/// <c>accuracy</c> (the predicted label set equals the annotator's; for single choice, the label is right) and
/// <c>macro_f1</c> (per-label F1 averaged over the labels annotators chose), the figures docs/training.md quotes.
/// </summary>
public static class ChoiceEvaluation
{
    /// <summary>The held-out texts with the labels their annotators chose (those without either are left out).</summary>
    public static List<(string Text, IReadOnlyList<string> Labels)> HeldOut(TrainingContext context, ChoicesTarget target) =>
        context.ValidationExamples
            .Select(e => (Text: target.TextOf(e.Task), Labels: target.ChoicesOf(e.Annotation)))
            .Where(e => !string.IsNullOrWhiteSpace(e.Text) && e.Labels.Count > 0)
            .Select(e => (e.Text!, e.Labels))
            .ToList();

    /// <summary>Reports <c>accuracy</c> and <c>macro_f1</c> of <paramref name="predicted"/> (one prediction per held-out text).</summary>
    public static void Report(TrainingContext context, IReadOnlyList<IReadOnlyList<string>> truth, IReadOnlyList<Prediction> predicted)
    {
        if (truth.Count == 0) return;
        var chosen = predicted.Select(p => (IReadOnlyList<string>)p.Result.SelectMany(r => r.Value?.Choices ?? []).ToList()).ToList();
        var (accuracy, macroF1) = Score(truth, chosen);
        context.ReportMetric("accuracy", Math.Round(accuracy, 4));
        context.ReportMetric("macro_f1", Math.Round(macroF1, 4));
    }

    /// <summary>Exact-set accuracy and macro-F1 over the labels present in <paramref name="truth"/>.</summary>
    public static (double Accuracy, double MacroF1) Score(IReadOnlyList<IReadOnlyList<string>> truth, IReadOnlyList<IReadOnlyList<string>> predicted)
    {
        if (truth.Count != predicted.Count) throw new ArgumentException($"{truth.Count} held-out texts but {predicted.Count} predictions.");
        var exact = truth.Where((t, i) => t.Count == predicted[i].Count && t.All(predicted[i].Contains)).Count();
        var labels = truth.SelectMany(t => t).Distinct(StringComparer.Ordinal).ToList();
        var f1s = labels.Select(label =>
        {
            int tp = 0, fp = 0, fn = 0;
            for (var i = 0; i < truth.Count; i++)
            {
                var expected = truth[i].Contains(label);
                var actual = predicted[i].Contains(label);
                if (expected && actual) tp++;
                else if (actual) fp++;
                else if (expected) fn++;
            }
            return tp == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
        });
        return ((double)exact / truth.Count, labels.Count == 0 ? 0 : f1s.Average());
    }
}
