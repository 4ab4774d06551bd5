using System.Diagnostics;
using PluginHost.Plugins.Text;

namespace PluginHost.Plugins.EmbeddingClassifier;

/// <summary>
/// Fits the logistic-regression head by L-BFGS on the examples' embeddings. Features are centred on the training mean
/// and scaled to unit mean squared norm; the loss is the mean log loss plus <c>‖W‖² / (2·C·N)</c> (scikit-learn's
/// <c>C</c> convention), so the penalty weakens as annotations accumulate. A few hundred examples fit in milliseconds.
/// </summary>
internal static class HeadTrainer
{
    private const int MaxIterations = 200;

    public static EmbeddingHead Train(IReadOnlyList<float[]> embeddings, IReadOnlyList<IReadOnlyList<string>> labels, ChoicesTarget target,
        string encoder, double inverseRegularization, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var n = embeddings.Count;
        var used = target.Labels.Where(l => labels.Any(set => set.Contains(l))).ToList();
        var constants = new Dictionary<string, double>(StringComparer.Ordinal);
        List<string> modelLabels;
        double[][] targets;
        if (!target.Multiple)
        {
            if (used.Count < 2)
                throw new InvalidOperationException($"Single-choice training needs annotations with at least two different labels of '{target.ControlName}'; "
                    + $"got {(used.Count == 0 ? "none" : "only '" + used[0] + "'")} in {n} annotation(s).");
            modelLabels = used;
            targets = labels.Select(set => OneHot(modelLabels, set.FirstOrDefault(used.Contains))).ToArray();
        }
        else
        {
            modelLabels = [];
            foreach (var label in target.Labels)
            {
                var positives = labels.Count(set => set.Contains(label));
                // Always or never chosen: nothing to separate; the observed rate is the probability.
                if (positives == 0 || positives == n) constants[label] = (double)positives / n;
                else modelLabels.Add(label);
            }
            targets = labels.Select(set => modelLabels.Select(l => set.Contains(l) ? 1.0 : 0.0).ToArray()).ToArray();
        }

        var (mean, scale) = Standardization(embeddings);
        var x = embeddings.Select(e => Standardize(e, mean, scale)).ToArray();
        var weights = modelLabels.Count == 0
            ? new HeadWeights(mean, scale, [], [])
            : Fit(x, targets, modelLabels.Count, target.Multiple, inverseRegularization, mean, scale, cancellationToken);
        var metadata = new HeadMetadata(target.ControlName, target.ObjectName, target.Multiple, modelLabels, constants, encoder, n,
            inverseRegularization, Math.Round(watch.Elapsed.TotalSeconds, 4));
        return new EmbeddingHead(metadata, weights);
    }

    private static HeadWeights Fit(double[][] x, double[][] y, int classes, bool multiple, double c, float[] mean, float scale,
        CancellationToken cancellationToken)
    {
        var n = x.Length;
        var d = x[0].Length;
        var lambda = 1 / (Math.Max(1e-9, c) * n);
        var stride = d + 1; // weights then bias, per class
        var logits = new double[classes];
        double Objective(double[] theta, double[] gradient)
        {
            Array.Clear(gradient);
            var loss = 0.0;
            for (var i = 0; i < n; i++)
            {
                var xi = x[i];
                for (var k = 0; k < classes; k++)
                {
                    var z = theta[k * stride + d];
                    for (var j = 0; j < d; j++) z += theta[k * stride + j] * xi[j];
                    logits[k] = z;
                }
                if (multiple)
                {
                    for (var k = 0; k < classes; k++)
                    {
                        var z = logits[k];
                        // log(1 + e^z) - y·z, computed stably.
                        loss += (z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z))) - y[i][k] * z;
                        logits[k] = 1 / (1 + Math.Exp(-z)) - y[i][k];
                    }
                }
                else
                {
                    var max = logits.Max();
                    var sum = 0.0;
                    for (var k = 0; k < classes; k++) sum += Math.Exp(logits[k] - max);
                    var logSum = max + Math.Log(sum);
                    for (var k = 0; k < classes; k++)
                    {
                        loss -= y[i][k] * (logits[k] - logSum);
                        logits[k] = Math.Exp(logits[k] - logSum) - y[i][k];
                    }
                }
                for (var k = 0; k < classes; k++)
                {
                    var residual = logits[k];
                    if (residual == 0) continue;
                    for (var j = 0; j < d; j++) gradient[k * stride + j] += residual * xi[j];
                    gradient[k * stride + d] += residual;
                }
            }
            loss /= n;
            for (var i = 0; i < gradient.Length; i++) gradient[i] /= n;
            for (var k = 0; k < classes; k++)
                for (var j = 0; j < d; j++)
                {
                    var w = theta[k * stride + j];
                    loss += 0.5 * lambda * w * w;
                    gradient[k * stride + j] += lambda * w;
                }
            return loss;
        }

        var theta = Lbfgs.Minimize(Objective, new double[classes * stride], MaxIterations, cancellationToken);
        var rows = new float[classes][];
        var bias = new float[classes];
        for (var k = 0; k < classes; k++)
        {
            rows[k] = new float[d];
            for (var j = 0; j < d; j++) rows[k][j] = (float)theta[k * stride + j];
            bias[k] = (float)theta[k * stride + d];
        }
        return new HeadWeights(mean, scale, rows, bias);
    }

    private static double[] OneHot(List<string> labels, string? label)
    {
        var row = new double[labels.Count];
        var index = label is null ? -1 : labels.IndexOf(label);
        if (index >= 0) row[index] = 1;
        return row;
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

    private static double[] Standardize(float[] embedding, float[] mean, float scale)
    {
        var row = new double[embedding.Length];
        for (var j = 0; j < row.Length; j++) row[j] = (embedding[j] - mean[j]) * scale;
        return row;
    }
}
