using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using PluginHost.Plugins.Ner.Features;
using PluginHost.Plugins.Ner.Tagging;
using PluginHost.Plugins.Ner.Training;
using PluginHost.MlNet;

namespace PluginHost.Plugins.Ner.Model;

/// <summary>The multiclass trainers the token classifier can use (see docs/ner.md for the measurements).</summary>
public enum NerClassifier
{
    /// <summary>L-BFGS multinomial logistic regression: the default (best F1 per second of training).</summary>
    LbfgsMaximumEntropy,

    /// <summary>SDCA multinomial logistic regression.</summary>
    SdcaMaximumEntropy,
}

public sealed class NerTrainerOptions
{
    /// <summary>BILOU by default: measured +0.04–0.05 entity F1 over BIO with 50–100 training texts, even at 1000.</summary>
    public TagScheme Scheme { get; init; } = TagScheme.Bilou;

    public NerClassifier Classifier { get; init; } = NerClassifier.LbfgsMaximumEntropy;

    /// <summary>Weight of the learned transition log-probabilities in Viterbi decoding (0 = constraints only, the default:
    /// the classifier already sees its neighbours, and adding transition priors on top was measured to cost recall).</summary>
    public float TransitionWeight { get; init; } = 0f;

    /// <summary>L2 regularisation in the chosen trainer's own units; null = 0.1 for L-BFGS (measured better than its
    /// default 1 at every training size) and SDCA's own automatic choice.</summary>
    public float? L2Regularization { get; init; }

    /// <summary>L-BFGS stops when the loss improves by less than this (relative); null = ML.NET's default 1e-7.</summary>
    public float? OptimizationTolerance { get; init; }

    /// <summary>
    /// Share of the training tokens inside an entity whose lexicon entry is hidden, as if the word had never been seen.
    /// Names are an open class: without this the tagger learned to trust the lexicon and missed names it had never
    /// seen (synthetic corpus, where every test name is new: F1 0.778 without, ~0.89 with 0.15; Brown ±0.005).
    /// </summary>
    public double HiddenEntityWordRate { get; init; } = 0.15;

    public int Seed { get; init; } = 1;

    /// <summary>Replaces the classifier (the benchmark plugs LightGBM in here); it must read "Label" and "FeatureBag".</summary>
    internal Func<MLContext, IEstimator<ITransformer>>? CustomClassifier { get; init; }

    internal string? CustomClassifierName { get; init; }
}

/// <summary>Trains a <see cref="NerModel"/> from annotated texts.</summary>
public static class NerTrainer
{
    /// <summary>Trains and returns the model with the input schema needed to save it.</summary>
    public static (NerModel Model, DataViewSchema InputSchema) Train(IReadOnlyList<AnnotatedText> examples, IReadOnlyList<string> labels,
        NerTrainerOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new NerTrainerOptions();
        var stopwatch = Stopwatch.StartNew();
        var tags = new TagSet(labels, options.Scheme);
        var builder = new TrainingSetBuilder(tags);
        var sequences = new List<TrainingSequence>(examples.Count);
        foreach (var example in examples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            sequences.Add(builder.Add(example));
        }
        if (builder.Stats.Spans == 0)
            throw new InvalidOperationException(
                $"Nothing to learn: none of the {examples.Count} annotated texts has an entity with one of the labels [{string.Join(", ", labels)}].");
        progress?.Report(0.1);

        var rows = new List<TaggedToken>(builder.Stats.Tokens);
        var lexicon = WordLexicon.Build(sequences.Select(LexiconInput));
        var hiding = new Random(options.Seed);
        foreach (var (fold, foldLexicon) in FoldLexicons(sequences, lexicon))
            foreach (var sequence in fold)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var features = TokenFeaturizer.Featurize(sequence.Text, sequence.Tokens, foldLexicon,
                    HiddenEntityWords(sequence, options.HiddenEntityWordRate, hiding));
                for (var t = 0; t < features.Length; t++)
                    rows.Add(new TaggedToken { Features = features[t], Label = (uint)sequence.Tags[t] });
            }
        var ml = new MLContext(options.Seed);
        // A cancelled job (DELETE /jobs/<id>, timeout, shutdown) stops Fit mid-optimisation instead of after it.
        using var cancelFit = MlCancellation.Register(ml, cancellationToken);
        var schema = SchemaDefinition.Create(typeof(TaggedToken));
        schema[nameof(TaggedToken.Label)].ColumnType = new KeyDataViewType(typeof(uint), tags.Count);
        var data = ml.Data.LoadFromEnumerable(rows, schema);
        progress?.Report(0.2);

        cancellationToken.ThrowIfCancellationRequested();
        var pipeline = ml.Transforms.Categorical
            .OneHotEncoding("FeatureBag", nameof(TaggedToken.Features), OneHotEncodingEstimator.OutputKind.Bag)
            // The optimiser passes over the data many times: cache the sparse vectors instead of mapping every feature
            // string through the dictionary again on each pass.
            .AppendCacheCheckpoint(ml)
            .Append(Classifier(ml, options));
        var transformer = pipeline.Fit(data);
        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(0.95);

        var transitions = TransitionTable.Count(tags, sequences.Select(s => s.Tags));
        var metadata = new NerModelMetadata
        {
            FeatureVersion = TokenFeaturizer.Version,
            Lexicon = lexicon.ToLines(),
            Labels = labels.ToArray(),
            Scheme = options.Scheme,
            Trainer = options.CustomClassifierName ?? options.Classifier.ToString(),
            TransitionWeight = options.TransitionWeight,
            StartLog = transitions.StartLog,
            TransitionLog = transitions.Log,
            TrainedAt = DateTimeOffset.UtcNow,
            TrainingSeconds = Math.Round(stopwatch.Elapsed.TotalSeconds, 3),
            Stats = builder.Stats,
        };
        return (new NerModel(ml, transformer, metadata), data.Schema);
    }

    /// <summary>Folds of the training texts with the lexicon of all *other* folds. A text's features never count its own
    /// words, so the training rows look like unseen text (where a name is often in no lexicon) and the classifier does
    /// not learn to trust the gazetteer blindly. Folds are contiguous blocks, as tasks of one document often are.</summary>
    internal static IEnumerable<(IReadOnlyList<TrainingSequence> Fold, WordLexicon Lexicon)> FoldLexicons(IReadOnlyList<TrainingSequence> sequences, WordLexicon all)
    {
        var folds = Math.Min(LexiconFolds, sequences.Count);
        for (var f = 0; f < folds; f++)
        {
            var fold = sequences.Skip(sequences.Count * f / folds).Take(sequences.Count * (f + 1) / folds - sequences.Count * f / folds).ToList();
            yield return (fold, all.Without(WordLexicon.Build(fold.Select(LexiconInput))));
        }
    }

    internal const int LexiconFolds = 5;

    /// <summary>Tokens inside an entity whose lexicon entry is hidden, each with probability <paramref name="rate"/>.</summary>
    internal static bool[] HiddenEntityWords(TrainingSequence sequence, double rate, Random random) =>
        sequence.Tags.Select(tag => tag != TagSet.Outside && random.NextDouble() < rate).ToArray();

    private static (string, IReadOnlyList<Text.Token>, IReadOnlyList<bool>) LexiconInput(TrainingSequence s) =>
        (s.Text, s.Tokens, s.Tags.Select(t => t != TagSet.Outside).ToArray());

    private static IEstimator<ITransformer> Classifier(MLContext ml, NerTrainerOptions options)
    {
        if (options.CustomClassifier is not null) return options.CustomClassifier(ml);
        return options.Classifier switch
        {
            NerClassifier.SdcaMaximumEntropy => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                new Microsoft.ML.Trainers.SdcaMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = nameof(TaggedToken.Label),
                    FeatureColumnName = "FeatureBag",
                    L2Regularization = options.L2Regularization,
                    NumberOfThreads = 1,
                }),
            _ => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(
                new Microsoft.ML.Trainers.LbfgsMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = nameof(TaggedToken.Label),
                    FeatureColumnName = "FeatureBag",
                    L2Regularization = options.L2Regularization ?? 0.1f,
                    L1Regularization = 0,
                    OptimizationTolerance = options.OptimizationTolerance ?? 1e-7f,
                    NumberOfThreads = 1,
                }),
        };
    }
}
