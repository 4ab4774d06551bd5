using System.Diagnostics;
using PluginHost.Plugins.Learning;
using PluginHost.Plugins.Text;

namespace PluginHost.Plugins.EmbeddingClassifier;

/// <summary>
/// Fits the logistic-regression head by L-BFGS on the examples' embeddings. Features are centred on the training mean
/// and scaled to unit mean squared norm; the penalty is <c>‖W‖² / (2·C·N)</c> on the mean log loss (scikit-learn's
/// <c>C</c> convention), so it weakens as annotations accumulate. A few hundred examples fit in milliseconds.
/// </summary>
internal static class HeadTrainer
{
    private const int MaxIterations = 200;

    public static EmbeddingHead Train(IReadOnlyList<float[]> embeddings, IReadOnlyList<IReadOnlyList<string>> labels, ChoicesTarget target,
        string encoder, double inverseRegularization, CancellationToken cancellationToken, Action<int, double>? onIteration = null)
    {
        var watch = Stopwatch.StartNew();
        var n = embeddings.Count;
        var targets = ChoiceTargets.From(labels, target);
        var (mean, scale) = Standardization(embeddings);
        var d = mean.Length;
        var dense = Enumerable.Range(0, d).ToArray();
        var rows = embeddings.Select(e => new SparseRow(dense, EmbeddingHead.Standardize(e, mean, scale))).ToList();
        var (weights, bias) = targets.ModelLabels.Count == 0
            ? ([], [])
            : LogisticRegression.Fit(rows, d, targets.Rows, target.Multiple, 1 / (Math.Max(1e-9, inverseRegularization) * n), MaxIterations, cancellationToken, onIteration);
        var metadata = new HeadMetadata(target.ControlName, target.ObjectName, target.Multiple, targets.ModelLabels, targets.Constants, encoder, n,
            inverseRegularization, Math.Round(watch.Elapsed.TotalSeconds, 4));
        return new EmbeddingHead(metadata, new HeadWeights(mean, scale, weights, bias));
    }

    /// <summary>The training mean, and the factor that gives the centred vectors a mean squared norm of 1.</summary>
    private static (float[] Mean, float Scale) Standardization(IReadOnlyList<float[]> embeddings)
    {
        var d = embeddings[0].Length;
        var mean = new double[d];
        foreach (var e in embeddings)
            for (var j = 0; j < d; j++) mean[j] += e[j];
        for (var j = 0; j < d; j++) mean[j] /= embeddings.Count;
        var squared = 0.0;
        foreach (var e in embeddings)
            for (var j = 0; j < d; j++) squared += (e[j] - mean[j]) * (e[j] - mean[j]);
        squared /= embeddings.Count;
        // One example (or identical ones) has no spread: keep the raw scale of unit vectors.
        var scale = squared > 1e-12 ? 1 / Math.Sqrt(squared) : 1;
        return (mean.Select(m => (float)m).ToArray(), (float)scale);
    }
}
