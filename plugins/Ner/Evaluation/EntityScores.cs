using PluginHost.Plugins.Ner.Training;

namespace PluginHost.Plugins.Ner.Evaluation;

/// <summary>Entity-level precision, recall and F1 (CoNLL style): a prediction counts only with exact offsets and label.</summary>
public sealed record EntityScores(int TruePositives, int FalsePositives, int FalseNegatives)
{
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public override string ToString() => $"P={Precision:F3} R={Recall:F3} F1={F1:F3} (tp={TruePositives} fp={FalsePositives} fn={FalseNegatives})";

    /// <summary>Scores predicted spans against gold spans, text by text; <paramref name="label"/> restricts to one label.</summary>
    public static EntityScores Score(IReadOnlyList<IReadOnlyList<CharSpan>> gold, IReadOnlyList<IReadOnlyList<CharSpan>> predicted, string? label = null)
    {
        if (gold.Count != predicted.Count) throw new ArgumentException($"{gold.Count} gold texts but {predicted.Count} predicted.");
        int tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < gold.Count; i++)
        {
            var expected = gold[i].Where(s => label is null || s.Label == label).ToHashSet();
            var actual = predicted[i].Where(s => label is null || s.Label == label).ToHashSet();
            var hits = actual.Count(expected.Contains);
            tp += hits;
            fp += actual.Count - hits;
            fn += expected.Count - hits;
        }
        return new EntityScores(tp, fp, fn);
    }
}
