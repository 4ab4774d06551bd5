using System.Diagnostics;
using PluginHost.Plugins.Learning;
using PluginHost.Plugins.Text;

namespace PluginHost.Plugins.TextClassifier;

/// <summary>One text and the labels an annotator chose for it.</summary>
public sealed record TextExample(string Text, IReadOnlyList<string> Labels);

/// <summary>How to featurize and train (from <see cref="TextClassifierSettings"/>; the benchmark tries others).</summary>
public sealed record ClassifierOptions(int WordNgrams = 2, int CharNgrams = 0, int MaxTextLength = 4000, double L2 = 5e-6, int MaxIterations = 25,
    int MaxFeatures = 50_000)
{
    public static ClassifierOptions From(TextClassifierSettings s) =>
        new(s.WordNgrams, s.CharNgrams, s.MaxTextLength, s.L2Regularization, s.MaxIterations, s.MaxFeatures);
}

/// <summary>
/// Trains the classifier: hashed word n-grams (<see cref="NgramFeatures"/>), then one multinomial logistic regression
/// over the labels (single choice) or one sigmoid per label (multiple choice), fitted by L-BFGS on the sparse rows.
/// Only the n-grams seen in training get a weight. About 0.2 s for 1,200 e-mails where ML.NET's text pipeline took ~3 s.
/// </summary>
public static class TextClassifierTrainer
{
    /// <param name="onIteration">Hears the training loss at each L-BFGS iteration (the loss curve).</param>
    public static TrainedClassifier Train(IReadOnlyList<TextExample> examples, ChoicesTarget target, ClassifierOptions options,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default, Action<int, double>? onIteration = null)
    {
        var watch = Stopwatch.StartNew();
        var targets = ChoiceTargets.From(examples.Select(e => e.Labels).ToList(), target);
        progress?.Report(0.05);

        // One thread (the host's low-priority training thread); each distinct n-gram gets a column.
        var features = examples.Select(e => NgramFeatures.Of(e.Text, options.WordNgrams, options.CharNgrams, options.MaxTextLength)).ToList();
        cancellationToken.ThrowIfCancellationRequested();
        // Each n-gram gets a column; past MaxFeatures, only those in the most documents (a large project's rare n-grams
        // mostly fit single documents, and every column costs the optimizer on every iteration).
        var documents = new Dictionary<uint, int>();
        foreach (var (hashes, _) in features)
            foreach (var hash in hashes) System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(documents, hash, out _)++;
        var kept = documents.Count <= options.MaxFeatures
            ? documents.Keys
            : documents.OrderByDescending(d => d.Value).ThenBy(d => d.Key).Take(options.MaxFeatures).Select(d => d.Key);
        var columns = new Dictionary<uint, int>();
        foreach (var hash in kept) columns[hash] = columns.Count;
        var rows = new List<SparseRow>(features.Count);
        foreach (var (hashes, values) in features)
        {
            var indices = new List<int>(hashes.Length);
            var rowValues = new List<float>(hashes.Length);
            for (var f = 0; f < hashes.Length; f++)
            {
                if (!columns.TryGetValue(hashes[f], out var column)) continue;
                indices.Add(column);
                rowValues.Add(values[f]);
            }
            rows.Add(new SparseRow(indices.ToArray(), rowValues.ToArray()));
        }
        progress?.Report(0.2);

        var (weights, bias) = targets.ModelLabels.Count == 0
            ? ([], [])
            : LogisticRegression.Fit(rows, columns.Count, targets.Rows, target.Multiple, options.L2, options.MaxIterations, cancellationToken, onIteration);
        progress?.Report(1);
        var metadata = new ClassifierMetadata(target.ControlName, target.ObjectName, target.Multiple, targets.ModelLabels, targets.Constants,
            options.WordNgrams, options.CharNgrams, options.MaxTextLength, examples.Count, columns.Count, Math.Round(watch.Elapsed.TotalSeconds, 3));
        var hashesByColumn = new uint[columns.Count];
        foreach (var (hash, column) in columns) hashesByColumn[column] = hash;
        return new TrainedClassifier(new TextClassifierModel(metadata, hashesByColumn, weights, bias));
    }
}

/// <summary>A trained model with what it needs to be saved.</summary>
public sealed class TrainedClassifier(TextClassifierModel model)
{
    public ClassifierMetadata Metadata => model.Metadata;

    public void Save(string directory) => model.Save(directory);

    /// <summary>The model itself, as <see cref="TextClassifierModel.Load"/> would give it from disk (benchmarks).</summary>
    public TextClassifierModel ToModel() => model;
}

/// <summary>What <c>classifier.json</c> records next to the weights.</summary>
public sealed record ClassifierMetadata(
    string ControlName,
    string ObjectName,
    bool Multiple,
    IReadOnlyList<string> ModelLabels,
    IReadOnlyDictionary<string, double> ConstantLabels,
    int WordNgrams,
    int CharNgrams,
    int MaxTextLength,
    int Examples,
    int Features,
    double TrainingSeconds);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ClassifierMetadata))]
internal sealed partial class ClassifierJson : System.Text.Json.Serialization.JsonSerializerContext;
