using PluginHost.Plugins.Text;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace PluginHost.Plugins.TextClassifier;

/// <summary>One text and the labels an annotator chose for it.</summary>
public sealed record TextExample(string Text, IReadOnlyList<string> Labels);

/// <summary>How to featurize and train (from <see cref="TextClassifierSettings"/>; the benchmark tries others).</summary>
public sealed record ClassifierOptions(
    TrainerKind Trainer = TrainerKind.Lbfgs,
    int WordNgrams = 2,
    int CharNgrams = 0,
    int MaxTextLength = 4000,
    int Threads = 1,
    bool TfIdf = false,
    float L2 = 0.01f,
    float L1 = 0f)
{
    public static ClassifierOptions From(TextClassifierSettings s) =>
        new(s.Trainer, s.WordNgrams, s.CharNgrams, s.MaxTextLength, s.TrainingThreads, L2: s.L2Regularization, L1: s.L1Regularization);
}

/// <summary>
/// Trains the classifier with ML.NET: text featurization (normalized word n-grams, optionally char n-grams, L2 norm)
/// then, for single choice, one multinomial logistic regression over the labels, or for multiple choice one
/// calibrated binary classifier per label (one-vs-rest). The saved model maps <c>Text</c> to a <c>Probabilities</c>
/// vector in the order of <see cref="ClassifierMetadata.ModelLabels"/>.
/// </summary>
public static class TextClassifierTrainer
{
    internal const string ModelFile = "model.zip";
    internal const string MetadataFile = "classifier.json";

    public static TrainedClassifier Train(IReadOnlyList<TextExample> examples, ChoicesTarget target, ClassifierOptions options,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var ml = new MLContext(seed: 1);
        using var cancel = cancellationToken.Register(() => Cancel(ml));
        // Labels in the config's order, only those some annotation chose: a class without examples cannot be learned.
        var used = target.Labels.Where(l => examples.Any(e => e.Labels.Contains(l))).ToList();
        var texts = examples.Select(e => Truncate(e.Text, options.MaxTextLength)).ToList();
        progress?.Report(0.05);

        ITransformer chain;
        List<string> modelLabels;
        var constants = new Dictionary<string, double>();
        if (!target.Multiple)
        {
            if (used.Count < 2)
                throw new InvalidOperationException($"Single-choice training needs annotations with at least two different labels of '{target.ControlName}'; "
                    + $"got {(used.Count == 0 ? "none" : "only '" + used[0] + "'")} in {examples.Count} annotation(s).");
            var rows = examples.Select((e, i) => new SingleRow { Text = texts[i], Label = e.Labels.FirstOrDefault(used.Contains) ?? "" })
                .Where(r => r.Label.Length > 0).ToList();
            chain = TrainSingle(ml, rows, used, options, progress, cancellationToken);
            modelLabels = used;
        }
        else
        {
            (chain, modelLabels) = TrainMultiple(ml, texts, examples, target.Labels, options, constants, progress, cancellationToken);
        }
        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(1);
        var metadata = new ClassifierMetadata(target.ControlName, target.ObjectName, target.Multiple, modelLabels, constants,
            options.Trainer.ToString(), options.WordNgrams, options.CharNgrams, options.MaxTextLength, examples.Count, Math.Round(watch.Elapsed.TotalSeconds, 3));
        return new TrainedClassifier(ml, chain, metadata);
    }

    private static ITransformer TrainSingle(MLContext ml, List<SingleRow> rows, List<string> labels, ClassifierOptions options,
        IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        var keyData = ml.Data.LoadFromEnumerable(labels.Select(l => new LabelValue { Label = l }));
        var keyed = ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(SingleRow.Label), keyData: keyData).Fit(data).Transform(data);
        var featurizer = Featurizer(ml, options).Fit(keyed);
        // Cached: the optimizer passes over the data many times and must not featurize it again each time.
        var features = ml.Data.Cache(featurizer.Transform(keyed));
        progress?.Report(0.3);
        cancellationToken.ThrowIfCancellationRequested();
        IEstimator<ITransformer> trainer = options.Trainer switch
        {
            TrainerKind.Sdca => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "LabelKey", FeatureColumnName = "Features", NumberOfThreads = options.Threads, L2Regularization = options.L2, L1Regularization = options.L1,
            }),
            _ => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "LabelKey", FeatureColumnName = "Features", NumberOfThreads = options.Threads, L2Regularization = options.L2, L1Regularization = options.L1,
            }),
        };
        var model = trainer.Fit(features);
        progress?.Report(0.9);
        var scored = model.Transform(features);
        var copy = ml.Transforms.CopyColumns(ScoresRow.Column, "Score").Fit(scored);
        return new TransformerChain<ITransformer>(featurizer, model, copy);
    }

    private static (ITransformer, List<string>) TrainMultiple(MLContext ml, List<string> texts, IReadOnlyList<TextExample> examples,
        IReadOnlyList<string> labels, ClassifierOptions options, Dictionary<string, double> constants, IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        var textData = ml.Data.LoadFromEnumerable(texts.Select(t => new BinaryRow { Text = t }));
        var featurizer = Featurizer(ml, options).Fit(textData);
        var transformers = new List<ITransformer> { featurizer };
        var trained = new List<string>();
        IDataView current = featurizer.Transform(ml.Data.TakeRows(textData, 1));
        foreach (var (label, index) in labels.Select((l, i) => (l, i)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var positives = examples.Count(e => e.Labels.Contains(label));
            if (positives == 0 || positives == examples.Count)
            {
                // Always or never chosen: nothing to separate; the observed rate is the probability.
                constants[label] = (double)positives / examples.Count;
                continue;
            }
            var data = ml.Data.LoadFromEnumerable(examples.Select((e, i) => new BinaryRow { Text = texts[i], Label = e.Labels.Contains(label) }));
            var features = ml.Data.Cache(featurizer.Transform(data));
            IEstimator<ITransformer> trainer = options.Trainer switch
            {
                TrainerKind.Sdca => ml.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
                {
                    LabelColumnName = nameof(BinaryRow.Label), FeatureColumnName = "Features", NumberOfThreads = options.Threads, L2Regularization = options.L2, L1Regularization = options.L1,
                }),
                _ => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
                {
                    LabelColumnName = nameof(BinaryRow.Label), FeatureColumnName = "Features", NumberOfThreads = options.Threads, L2Regularization = options.L2, L1Regularization = options.L1,
                }),
            };
            var model = trainer.Fit(features);
            current = model.Transform(current);
            var copy = ml.Transforms.CopyColumns($"P{trained.Count}", "Probability").Fit(current);
            current = copy.Transform(current);
            transformers.Add(model);
            transformers.Add(copy);
            trained.Add(label);
            progress?.Report(0.1 + 0.8 * (index + 1) / labels.Count);
        }
        if (trained.Count > 0)
        {
            transformers.Add(ml.Transforms.Concatenate(ScoresRow.Column, trained.Select((_, i) => $"P{i}").ToArray()).Fit(current));
        }
        return (new TransformerChain<ITransformer>(transformers.ToArray()), trained);
    }

    internal static IEstimator<ITransformer> Featurizer(MLContext ml, ClassifierOptions options) =>
        ml.Transforms.Text.FeaturizeText("Features", new TextFeaturizingEstimator.Options
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = false,
            KeepPunctuations = false,
            KeepNumbers = true,
            WordFeatureExtractor = new WordBagEstimator.Options
            {
                NgramLength = Math.Max(1, options.WordNgrams),
                UseAllLengths = true,
                Weighting = options.TfIdf ? NgramExtractingEstimator.WeightingCriteria.TfIdf : NgramExtractingEstimator.WeightingCriteria.Tf,
            },
            CharFeatureExtractor = options.CharNgrams > 0
                ? new WordBagEstimator.Options { NgramLength = options.CharNgrams, UseAllLengths = false }
                : null,
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        }, nameof(TextRow.Text));

    internal static string Truncate(string text, int maxLength) => maxLength > 0 && text.Length > maxLength ? text[..maxLength] : text;

    /// <summary>
    /// Stops a running Fit: ML.NET's environment inside the context is cancelable (internal interface
    /// <c>ICancelable</c>, reached by reflection), after which Fit throws <see cref="OperationCanceledException"/>.
    /// </summary>
    private static void Cancel(MLContext ml)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        foreach (var field in typeof(MLContext).GetFields(flags))
        {
            var value = field.GetValue(ml);
            var cancelable = value?.GetType().GetInterfaces().FirstOrDefault(i => i.Name == "ICancelable");
            if (cancelable?.GetMethod("CancelExecution") is not { } cancel) continue;
            cancel.Invoke(value, null);
            return;
        }
    }

    private sealed class LabelValue
    {
        public string Label { get; set; } = "";
    }
}

/// <summary>A trained model with what it needs to be saved.</summary>
public sealed class TrainedClassifier(MLContext ml, ITransformer model, ClassifierMetadata metadata)
{
    public ClassifierMetadata Metadata { get; } = metadata;

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var schema = ml.Data.LoadFromEnumerable(Array.Empty<TextRow>()).Schema;
        ml.Model.Save(model, schema, Path.Combine(directory, TextClassifierTrainer.ModelFile));
        File.WriteAllBytes(Path.Combine(directory, TextClassifierTrainer.MetadataFile),
            JsonSerializer.SerializeToUtf8Bytes(Metadata, ClassifierJson.Default.ClassifierMetadata));
    }

    /// <summary>Loads the model straight from memory (benchmarks), as <see cref="TextClassifierModel.Load"/> would from disk.</summary>
    public TextClassifierModel ToModel(int poolSize = 0) => new(ml, model, Metadata, poolSize);
}

/// <summary>What <c>classifier.json</c> records next to <c>model.zip</c>.</summary>
public sealed record ClassifierMetadata(
    string ControlName,
    string ObjectName,
    bool Multiple,
    IReadOnlyList<string> ModelLabels,
    IReadOnlyDictionary<string, double> ConstantLabels,
    string Trainer,
    int WordNgrams,
    int CharNgrams,
    int MaxTextLength,
    int Examples,
    double TrainingSeconds);

public sealed class TextRow
{
    public string Text { get; set; } = "";
}

internal sealed class SingleRow
{
    public string Text { get; set; } = "";

    public string Label { get; set; } = "";
}

internal sealed class BinaryRow
{
    public string Text { get; set; } = "";

    public bool Label { get; set; }
}

public sealed class ScoresRow
{
    public const string Column = "Probabilities";

    [ColumnName(Column)]
    public float[] Probabilities { get; set; } = [];
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ClassifierMetadata))]
internal sealed partial class ClassifierJson : System.Text.Json.Serialization.JsonSerializerContext;
