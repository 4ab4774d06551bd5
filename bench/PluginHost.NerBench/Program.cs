using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML;
using Microsoft.ML.Data;
using PluginHost.Ner.Corpus;
using PluginHost.Plugins.Ner;
using PluginHost.Plugins.Ner.Evaluation;
using PluginHost.Plugins.Ner.Features;
using PluginHost.Plugins.Ner.Model;
using PluginHost.Plugins.Ner.Tagging;
using PluginHost.Plugins.Ner.Text;
using PluginHost.Plugins.Ner.Training;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

// NER benchmark: quality on held-out synthetic data (unseen names and templates), training time, and prediction
// throughput through the backend API; with --http, training and /predict throughput through a real host. Usage:
//   dotnet run -c Release --project bench/PluginHost.NerBench [-- --train 2000 --test 500 --seed 7 --skip-compare]
//   DOTNET_gcServer=1 dotnet run -c Release --project bench/PluginHost.NerBench -- --http [--seconds 10]
//   dotnet run -c Release --project bench/PluginHost.NerBench -- --brown     (real text: names in the Brown Corpus)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
if (args.Length == 2 && args[0] == "--derive-clusters")
{
    PluginHost.NerBench.WordClusterDerivation.Run(args[1]);
    return;
}
if (args.Length == 2 && args[0] == "--derive-words")
{
    await PluginHost.NerBench.EnglishWordDerivation.RunAsync(args[1]);
    return;
}
if (args.Contains("--brown"))
{
    // Real text: names in the hand-tagged Brown Corpus, held-out documents.
    var errors = args.SkipWhile(a => a != "--errors").Skip(1).Select(int.Parse).FirstOrDefault();
    var sizes = args.SkipWhile(a => a != "--sizes").Skip(1).Take(1).SelectMany(a => a.Split(',')).Select(int.Parse).ToList();
    await PluginHost.NerBench.BrownNames.RunAsync(1500, 2000, errors, args.Contains("--compare"), sizes, args.Contains("--dev"));
    return;
}
var arguments = Args.Parse(args);
var (train, test) = SyntheticNerCorpus.Generate(arguments.Train, arguments.Test, arguments.Seed);
var labels = SyntheticNerCorpus.Labels;
Console.WriteLine($"Synthetic corpus: {train.Count} train texts ({train.Sum(t => t.Spans.Count)} entities), " +
                  $"{test.Count} held-out test texts ({test.Sum(t => t.Spans.Count)} entities), seed {arguments.Seed}");
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine();

if (arguments.Http)
{
    await PluginHost.NerBench.HttpBench.RunAsync(train, test, arguments.Seconds);
    return;
}

if (!arguments.SkipCompare)
{
    Console.WriteLine("## Classifier (BIO, Viterbi with constraints only, trainer defaults)");
    Row("classifier", "train s", "P", "R", "F1");
    foreach (var (name, options) in new (string, NerTrainerOptions)[]
             {
                 ("L-BFGS MaxEnt", new NerTrainerOptions { Scheme = TagScheme.Bio, Classifier = NerClassifier.LbfgsMaximumEntropy, L2Regularization = 1 }),
                 ("SDCA MaxEnt", new NerTrainerOptions { Scheme = TagScheme.Bio, Classifier = NerClassifier.SdcaMaximumEntropy }),
                 ("LightGBM", new NerTrainerOptions
                 {
                     Scheme = TagScheme.Bio,
                     CustomClassifierName = "LightGbm",
                     CustomClassifier = ml => ml.MulticlassClassification.Trainers.LightGbm(labelColumnName: "Label", featureColumnName: "FeatureBag"),
                 }),
             })
    {
        var (model, seconds) = Train(options);
        var scores = Evaluate(model, test, DecodeMode.Viterbi);
        Row(name, seconds.ToString("F2"), scores.Precision.ToString("F3"), scores.Recall.ToString("F3"), scores.F1.ToString("F3"));
    }
    Console.WriteLine();

    Console.WriteLine("## Tag scheme and decoding (L-BFGS, L2 1)");
    Row("scheme / decoding", "train s", "P", "R", "F1");
    foreach (var scheme in new[] { TagScheme.Bio, TagScheme.Bilou })
    {
        var (model, seconds) = Train(new NerTrainerOptions { Scheme = scheme, L2Regularization = 1 });
        var greedy = Evaluate(model, test, DecodeMode.Greedy);
        Row($"{scheme} greedy (invalid allowed)", seconds.ToString("F2"), greedy.Precision.ToString("F3"), greedy.Recall.ToString("F3"), greedy.F1.ToString("F3"));
        foreach (var weight in new[] { 0f, 0.5f, 1f })
        {
            var reweighted = new NerModel(model.Context, model.Pipeline, CopyWithWeight(model.Metadata, weight));
            var scores = Evaluate(reweighted, test, DecodeMode.Viterbi);
            Row($"{scheme} Viterbi, transition weight {weight}", "", scores.Precision.ToString("F3"), scores.Recall.ToString("F3"), scores.F1.ToString("F3"));
        }
    }
    Console.WriteLine();

    Console.WriteLine("## Regularisation (BIO, Viterbi, constraints only)");
    Row("classifier, L2", "train s", "P", "R", "F1");
    foreach (var (classifier, l2) in new (NerClassifier, float?)[]
             {
                 (NerClassifier.LbfgsMaximumEntropy, 0.03f), (NerClassifier.LbfgsMaximumEntropy, 0.1f), (NerClassifier.LbfgsMaximumEntropy, 0.3f),
                 (NerClassifier.LbfgsMaximumEntropy, 1f), (NerClassifier.LbfgsMaximumEntropy, 3f),
                 (NerClassifier.SdcaMaximumEntropy, null), (NerClassifier.SdcaMaximumEntropy, 1e-4f), (NerClassifier.SdcaMaximumEntropy, 1e-3f),
                 (NerClassifier.SdcaMaximumEntropy, 1e-2f),
             })
        {
            var (model, seconds) = Train(new NerTrainerOptions { Scheme = TagScheme.Bio, Classifier = classifier, L2Regularization = l2 });
            var scores = Evaluate(model, test, DecodeMode.Viterbi);
            Row($"{classifier}, L2 {l2?.ToString() ?? "default"}", seconds.ToString("F2"), scores.Precision.ToString("F3"), scores.Recall.ToString("F3"), scores.F1.ToString("F3"));
        }
    Console.WriteLine();

    Console.WriteLine("## Learning curve (L-BFGS, Viterbi, constraints only)");
    Row("train texts, scheme, L2", "train s", "P", "R", "F1");
    foreach (var size in new[] { 50, 100, 250, 500 }.Where(s => s < train.Count))
        foreach (var (scheme, l2) in new[] { (TagScheme.Bio, 1f), (TagScheme.Bio, 0.1f), (TagScheme.Bio, 0.03f), (TagScheme.Bilou, 0.1f) })
        {
            var (model, seconds) = Train(new NerTrainerOptions { Scheme = scheme, L2Regularization = l2 }, train.Take(size).ToList());
            var scores = Evaluate(model, test, DecodeMode.Viterbi);
            Row($"{size}, {scheme}, L2 {l2}", seconds.ToString("F2"), scores.Precision.ToString("F3"), scores.Recall.ToString("F3"), scores.F1.ToString("F3"));
        }
    foreach (var scheme in new[] { TagScheme.Bio, TagScheme.Bilou })
    {
        var (model, seconds) = Train(new NerTrainerOptions { Scheme = scheme, L2Regularization = 0.1f });
        var scores = Evaluate(model, test, DecodeMode.Viterbi);
        Row($"{train.Count}, {scheme}, L2 0.1", seconds.ToString("F2"), scores.Precision.ToString("F3"), scores.Recall.ToString("F3"), scores.F1.ToString("F3"));
    }
    Console.WriteLine();
}

Console.WriteLine("## Default model (L-BFGS L2 0.1, BILOU, Viterbi with constraints only): through the backend API");
var directory = Path.Combine(Path.GetTempPath(), "nerbench-" + Guid.NewGuid().ToString("N"));
try
{
    var backend = new NerBackend();
    var config = LabelConfig.Parse("""
        <View><Labels name="label" toName="text"><Label value="PER"/><Label value="ORG"/><Label value="LOC"/></Labels><Text name="text" value="$text"/></View>
        """);
    var stopwatch = Stopwatch.StartNew();
    await backend.TrainAsync(new PluginHost.Sdk.Training.TrainingContext
    {
        BackendName = "ner", Project = ProjectRef.Default, LabelConfig = config, OutputDirectory = directory,
        Examples = train.Select((t, i) => Bench.Example(i, t)).ToList(), ExtraParams = ExtraParams.Empty,
        Progress = new Progress<double>(), Logger = NullLogger.Instance,
    }, CancellationToken.None);
    var trainSeconds = stopwatch.Elapsed.TotalSeconds;
    stopwatch.Restart();
    var loaded = await backend.LoadAsync(new PluginHost.Sdk.Training.ModelLoadContext { BackendName = "ner", Project = ProjectRef.Default, Directory = directory, VersionName = "v1", Logger = NullLogger.Instance }, CancellationToken.None);
    var loadSeconds = stopwatch.Elapsed.TotalSeconds;
    var modelBytes = Directory.GetFiles(directory).Sum(f => new FileInfo(f).Length);
    Console.WriteLine($"TrainAsync: {trainSeconds:F2} s for {train.Count} texts; LoadAsync (with warm-up): {loadSeconds:F2} s; model files {modelBytes / 1024} KiB");
    var quality = Evaluate(loaded!, test, DecodeMode.Viterbi);
    Console.WriteLine($"Held-out entity scores: {quality}");
    foreach (var label in labels)
        Console.WriteLine($"  {label}: {Evaluate(loaded!, test, DecodeMode.Viterbi, label)}");

    if (arguments.Errors > 0)
    {
        Console.WriteLine($"First {arguments.Errors} held-out texts with errors (gold / predicted):");
        var predictedAll = loaded!.Predict(test.Select(t => t.Text).ToList());
        foreach (var (text, predicted) in test.Zip(predictedAll)
                     .Where(p => !p.First.Spans.ToHashSet().SetEquals(p.Second.Select(e => new CharSpan(e.Start, e.End, e.Label)))).Take(arguments.Errors))
        {
            Console.WriteLine("  " + text.Text.Replace('\n', ' '));
            Console.WriteLine("    gold: " + string.Join("; ", text.Spans.Select(s => $"{text.Text[s.Start..s.End]}/{s.Label}")));
            Console.WriteLine("    pred: " + string.Join("; ", predicted.Select(e => $"{e.Text}/{e.Label} {e.Score:F2}")));
        }
    }

    var tasks = test.Select((t, i) => Bench.Task(i, t.Text)).ToList();
    var tokens = test.Sum(t => Tokenizer.Tokenize(t.Text).Count);
    Row("batch size", "tasks/s", "spans/s", "tokens/s", "ms/batch");
    foreach (var batchSize in new[] { 1, 10, 100, test.Count })
    {
        // Warm up once, then time enough repetitions to cover at least ~2 s.
        await Bench.PredictAll(backend, loaded!, config, tasks, batchSize);
        var repetitions = 0;
        var spans = 0;
        stopwatch.Restart();
        while (stopwatch.Elapsed.TotalSeconds < 2 || repetitions < 2)
        {
            spans += await Bench.PredictAll(backend, loaded!, config, tasks, batchSize);
            repetitions++;
        }
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var batches = repetitions * Math.Ceiling(tasks.Count / (double)batchSize);
        Row(batchSize.ToString(), (repetitions * tasks.Count / seconds).ToString("F0"), (spans / seconds).ToString("F0"),
            (repetitions * tokens / seconds).ToString("F0"), (seconds * 1000 / batches).ToString("F2"));
    }
    Console.WriteLine();

    Console.WriteLine("## Scoring path: one Transform over the batch vs a PredictionEngine per token (single thread)");
    var featureRows = test.Select(t => TokenFeaturizer.Featurize(t.Text, Tokenizer.Tokenize(t.Text), loaded!.Lexicon)).ToArray();
    loaded!.Score(featureRows, CancellationToken.None);
    stopwatch.Restart();
    var transformRuns = 0;
    while (stopwatch.Elapsed.TotalSeconds < 2) { loaded.Score(featureRows, CancellationToken.None); transformRuns++; }
    var transformRate = transformRuns * tokens / stopwatch.Elapsed.TotalSeconds;
    var engine = loaded.Context.Model.CreatePredictionEngine<Bench.FeatureRow, Bench.ScoreRow>(loaded.Pipeline);
    stopwatch.Restart();
    var engineTokens = 0;
    while (stopwatch.Elapsed.TotalSeconds < 2)
        foreach (var row in featureRows.SelectMany(r => r))
        {
            engine.Predict(new Bench.FeatureRow { Features = row });
            engineTokens++;
        }
    var engineRate = engineTokens / stopwatch.Elapsed.TotalSeconds;
    Console.WriteLine($"Transform over the batch: {transformRate:F0} tokens/s; PredictionEngine per token: {engineRate:F0} tokens/s");
}
finally
{
    Directory.Delete(directory, recursive: true);
}

(NerModel Model, double Seconds) Train(NerTrainerOptions options, IReadOnlyList<AnnotatedText>? examples = null)
{
    var stopwatch = Stopwatch.StartNew();
    var (model, _) = NerTrainer.Train(examples ?? train, labels, options);
    return (model, stopwatch.Elapsed.TotalSeconds);
}

static EntityScores Evaluate(NerModel model, IReadOnlyList<AnnotatedText> test, DecodeMode mode, string? label = null)
{
    var predicted = model.Predict(test.Select(t => t.Text).ToList(), mode: mode);
    return EntityScores.Score(test.Select(t => t.Spans).ToList(),
        predicted.Select(p => (IReadOnlyList<CharSpan>)p.Select(e => new CharSpan(e.Start, e.End, e.Label)).ToList()).ToList(), label);
}

static NerModelMetadata CopyWithWeight(NerModelMetadata m, float weight) => new()
{
    FeatureVersion = m.FeatureVersion, Labels = m.Labels, Scheme = m.Scheme, Trainer = m.Trainer, TransitionWeight = weight,
    StartLog = m.StartLog, TransitionLog = m.TransitionLog, Lexicon = m.Lexicon, TrainedAt = m.TrainedAt, TrainingSeconds = m.TrainingSeconds, Stats = m.Stats,
};

static void Row(params string[] cells) => Console.WriteLine("| " + string.Join(" | ", cells.Select((c, i) => i == 0 ? c.PadRight(40) : c.PadLeft(9))) + " |");

internal sealed record Args(int Train, int Test, int Seed, bool SkipCompare, int Errors, bool Http, double Seconds)
{
    public static Args Parse(string[] args)
    {
        int train = 1000, test = 400, seed = 7;
        var skip = false;
        var errors = 0;
        var http = false;
        var seconds = 10.0;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--train": train = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--test": test = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--skip-compare": skip = true; break;
                case "--errors": errors = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--http": http = true; break;
                case "--seconds": seconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Use --train N --test N --seed N --skip-compare --errors N --http --seconds N.");
            }
        }
        return new Args(train, test, seed, skip, errors, http, seconds);
    }
}

internal static class Bench
{
    public sealed class FeatureRow
    {
        [VectorType]
        public string[] Features { get; set; } = [];
    }

    public sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }

    public static PluginHost.Sdk.Training.TrainingExample Example(int id, AnnotatedText text)
    {
        var regions = text.Spans.Select(s => JsonSerializer.Deserialize<AnnotationRegion>(JsonSerializer.Serialize(new
        {
            from_name = "label", to_name = "text", type = "labels",
            value = new { start = s.Start, end = s.End, text = text.Text[s.Start..s.End], labels = new[] { s.Label } },
        }), Json)!).ToList();
        return new(Task(id, text.Text), new Annotation { Id = id, Result = regions });
    }

    public static LabelStudioTask Task(int id, string text) =>
        new() { Id = id, Data = new Dictionary<string, JsonElement> { ["text"] = JsonSerializer.SerializeToElement(text) } };

    public static async Task<int> PredictAll(NerBackend backend, NerModel model, LabelConfig config, IReadOnlyList<LabelStudioTask> tasks, int batchSize)
    {
        var spans = 0;
        for (var i = 0; i < tasks.Count; i += batchSize)
        {
            var context = new PredictContext
            {
                BackendName = "ner", Project = ProjectRef.Default, LabelConfig = config, ExtraParams = ExtraParams.Empty,
                Logger = NullLogger.Instance, State = new NoState(), ModelVersion = "v1", Tasks = tasks.Skip(i).Take(batchSize).ToList(),
            };
            var predictions = await backend.PredictAsync(context, model, CancellationToken.None);
            spans += predictions.Sum(p => p.Result.Count);
        }
        return spans;
    }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed class NoState : IProjectState
    {
        public string? Get(string key) => null;

        public ValueTask SetAsync(string key, string value, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
