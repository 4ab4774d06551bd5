namespace PluginHost.Plugins.Learning;

/// <summary>One example's features: the indices of its non-zero features and their values.</summary>
internal sealed record SparseRow(int[] Indices, float[] Values);

/// <summary>
/// Logistic regression on sparse (or dense) rows, fitted by L-BFGS. Single choice: one softmax over the classes;
/// multiple choice: one sigmoid per class. The loss is the mean log loss plus <c>λ/2·‖W‖²</c> (biases are not
/// penalised). Weights are stored feature-major (<c>w[j·K + k]</c>), so scoring a sparse row reads them in order.
/// </summary>
internal static class LogisticRegression
{
    public static (float[] Weights, float[] Bias) Fit(IReadOnlyList<SparseRow> rows, int features, double[][] targets, bool multiple, double lambda,
        int maxIterations, CancellationToken cancellationToken, Action<int, double>? onIteration = null)
    {
        if (!multiple && targets[0].Length == 2)
        {
            // Two classes: a softmax over (0, z) is a sigmoid of z, so fit one sigmoid (half the work) and store it as
            // the second class's weights against zeros.
            var (w, b) = Fit(rows, features, targets.Select(t => new[] { t[1] }).ToArray(), true, lambda, maxIterations, cancellationToken, onIteration);
            var pair = new float[features * 2];
            for (var j = 0; j < features; j++) pair[j * 2 + 1] = w[j];
            return (pair, [0, b[0]]);
        }
        var classes = targets[0].Length;
        var n = rows.Count;
        var biasAt = features * classes;
        var logits = new double[classes];
        double Objective(double[] theta, double[] gradient)
        {
            Array.Clear(gradient);
            var loss = 0.0;
            for (var i = 0; i < n; i++)
            {
                var (indices, values) = (rows[i].Indices, rows[i].Values);
                for (var k = 0; k < classes; k++) logits[k] = theta[biasAt + k];
                for (var f = 0; f < indices.Length; f++)
                {
                    var at = indices[f] * classes;
                    for (var k = 0; k < classes; k++) logits[k] += theta[at + k] * values[f];
                }
                loss += Residuals(logits, targets[i], multiple);
                for (var k = 0; k < classes; k++) gradient[biasAt + k] += logits[k];
                for (var f = 0; f < indices.Length; f++)
                {
                    var at = indices[f] * classes;
                    for (var k = 0; k < classes; k++) gradient[at + k] += logits[k] * values[f];
                }
            }
            loss /= n;
            for (var j = 0; j < gradient.Length; j++) gradient[j] /= n;
            for (var j = 0; j < biasAt; j++)
            {
                loss += 0.5 * lambda * theta[j] * theta[j];
                gradient[j] += lambda * theta[j];
            }
            return loss;
        }

        var fitted = Lbfgs.Minimize(Objective, new double[biasAt + classes], maxIterations, cancellationToken, onIteration: onIteration);
        var weights = new float[biasAt];
        for (var j = 0; j < biasAt; j++) weights[j] = (float)fitted[j];
        var bias = new float[classes];
        for (var k = 0; k < classes; k++) bias[k] = (float)fitted[biasAt + k];
        return (weights, bias);
    }

    /// <summary>Probabilities of one row (indices outside the model are skipped).</summary>
    public static float[] Probabilities(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, float[] weights, float[] bias, bool multiple)
    {
        var classes = bias.Length;
        var logits = new double[classes];
        for (var k = 0; k < classes; k++) logits[k] = bias[k];
        for (var f = 0; f < indices.Length; f++)
        {
            var at = indices[f] * classes;
            if (indices[f] < 0 || at >= weights.Length) continue;
            for (var k = 0; k < classes; k++) logits[k] += weights[at + k] * values[f];
        }
        var probabilities = new float[classes];
        if (multiple)
        {
            for (var k = 0; k < classes; k++) probabilities[k] = (float)(1 / (1 + Math.Exp(-logits[k])));
            return probabilities;
        }
        var max = classes == 0 ? 0 : logits.Max();
        var sum = 0.0;
        for (var k = 0; k < classes; k++) sum += logits[k] = Math.Exp(logits[k] - max);
        for (var k = 0; k < classes; k++) probabilities[k] = (float)(logits[k] / sum);
        return probabilities;
    }

    /// <summary>The example's log loss; replaces the logits by the loss's derivatives (probability − target).</summary>
    private static double Residuals(double[] logits, double[] target, bool multiple)
    {
        var loss = 0.0;
        if (multiple)
        {
            for (var k = 0; k < logits.Length; k++)
            {
                var z = logits[k];
                // log(1 + e^z) − y·z, computed stably.
                loss += (z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z))) - target[k] * z;
                logits[k] = 1 / (1 + Math.Exp(-z)) - target[k];
            }
            return loss;
        }
        var max = logits.Max();
        var sum = 0.0;
        for (var k = 0; k < logits.Length; k++) sum += Math.Exp(logits[k] - max);
        var logSum = max + Math.Log(sum);
        for (var k = 0; k < logits.Length; k++)
        {
            loss -= target[k] * (logits[k] - logSum);
            logits[k] = Math.Exp(logits[k] - logSum) - target[k];
        }
        return loss;
    }
}
