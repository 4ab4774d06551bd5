using PluginHost.Plugins.Text;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;
using PluginHost.Plugins.TextClassifier;

namespace PluginHost.TextClassifierBench;

/// <summary>
/// Held-out quality and speed of the classifier's candidate configurations, in process (no HTTP), against ML.NET's
/// TF-IDF + logistic-regression pipeline (the classifier's previous implementation), all trained on one thread.
/// </summary>
public static class QualityBench
{
    private static readonly ChoicesTarget Target = new("label", "text", "text", ["Ham", "Spam"], false, null);

    public static IReadOnlyList<(string Name, ClassifierOptions Options)> Candidates(bool quick) => quick
        ? [("word1-2 L2=5e-6 25 it. 50k features (default)", new ClassifierOptions())]
        :
        [
            ("word1-2 L2=5e-6 25 it. 50k features (default)", new ClassifierOptions()),
            ("40 iterations", new ClassifierOptions(MaxIterations: 40)),
            ("100 iterations", new ClassifierOptions(MaxIterations: 100)),
            ("L2=5e-5", new ClassifierOptions(L2: 5e-5)),
            ("L2=1e-6", new ClassifierOptions(L2: 1e-6)),
            ("20k features", new ClassifierOptions(MaxFeatures: 20_000)),
            ("200k features", new ClassifierOptions(MaxFeatures: 200_000)),
            ("word1", new ClassifierOptions(WordNgrams: 1)),
            ("+char3", new ClassifierOptions(CharNgrams: 3)),
            ("max1000", new ClassifierOptions(MaxTextLength: 1000)),
        ];

    public static void Run(List<Message> train, List<Message> test, bool quick)
    {
        Console.WriteLine($"\n== Held-out quality ({train.Count} train / {test.Count} test, Spam share {test.Count(m => m.Label == "Spam") / (double)test.Count:P1} of test)");
        Console.WriteLine($"{"configuration",-52} {"accuracy",9} {"macro-F1",9} {"train s",8} {"CPU s",8} {"predict/s (1 thread)",21}");
        Print("baseline: TF-IDF words + LbfgsLogisticRegression", Baseline(train, test, tuned: false));
        Print("baseline, L1=0 L2=0.01 (our regularization)", Baseline(train, test, tuned: true));
        Print("textclassifier 1.x: ML.NET word1-2 + LbfgsMaximumEntropy", PreviousVersion(train, test));
        // The first fit pays the JIT: once untimed, so the rows compare training work.
        TextClassifierTrainer.Train(Examples(train.Take(100).ToList()), Target, new ClassifierOptions());
        foreach (var (name, options) in Candidates(quick))
            Print(name, Candidate(train, test, options));

        // Scoring speed of 100-task batches, one thread and all cores.
        var model = TextClassifierTrainer.Train(Examples(train), Target, new ClassifierOptions()).ToModel();
        var batches = test.Chunk(100).Select(c => c.Select(m => m.Text).ToList()).ToList();
        model.Score(batches[0]);
        var watch = Stopwatch.StartNew();
        var tasks = 0;
        for (var round = 0; round < 3; round++)
            foreach (var batch in batches) { model.Score(batch); tasks += batch.Count; }
        Console.WriteLine($"100-task batches: {tasks / watch.Elapsed.TotalSeconds:N0} tasks/s on one thread");
        var parallelWatch = Stopwatch.StartNew();
        var parallelTasks = 0;
        Parallel.ForEach(Enumerable.Range(0, 3).SelectMany(_ => batches), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            batch => { model.Score(batch); Interlocked.Add(ref parallelTasks, batch.Count); });
        Console.WriteLine($"100-task batches on {Environment.ProcessorCount} threads: {parallelTasks / parallelWatch.Elapsed.TotalSeconds:N0} tasks/s");
    }

    private static void Print(string name, Result r) =>
        Console.WriteLine($"{name,-52} {r.Quality.Accuracy,9:P2} {r.Quality.MacroF1,9:F4} {r.TrainSeconds,8:F2} {r.TrainCpuSeconds,8:F2} {r.PredictPerSecond,21:N0}");

    private sealed record Result(Quality Quality, double TrainSeconds, double PredictPerSecond, double TrainCpuSeconds);

    private static List<TextExample> Examples(List<Message> messages) => messages.Select(m => new TextExample(m.Text, [m.Label])).ToList();

    private static Result Candidate(List<Message> train, List<Message> test, ClassifierOptions options)
    {
        var examples = Examples(train);
        var cpu = CpuSeconds();
        var watch = Stopwatch.StartNew();
        var trained = TextClassifierTrainer.Train(examples, Target, options);
        var trainSeconds = watch.Elapsed.TotalSeconds;
        var trainCpu = CpuSeconds() - cpu;
        var model = trained.ToModel();
        var texts = test.Select(m => m.Text).ToList();
        model.Score(texts.Take(10).ToList());
        watch.Restart();
        var scores = model.Score(texts);
        var perSecond = texts.Count / watch.Elapsed.TotalSeconds;
        var labels = model.Metadata.ModelLabels;
        var predicted = scores.Select(s => (string?)labels[Array.IndexOf(s, s.Max())]).ToList();
        return new Result(QualityMetrics.Score(test.Select(m => m.Label).ToList(), predicted), trainSeconds, perSecond, trainCpu);
    }

    /// <summary>CPU time of this process so far: on a machine shared with other work, what the training itself cost.</summary>
    private static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    /// <summary>TF-IDF over words (no n-grams, no char grams) and binary logistic regression: ML.NET's defaults, or our regularization.</summary>
    private static Result Baseline(List<Message> train, List<Message> test, bool tuned)
    {
        var ml = new MLContext(seed: 1);
        var cpu = CpuSeconds();
        var watch = Stopwatch.StartNew();
        var data = ml.Data.LoadFromEnumerable(train.Select(m => new Row { Text = m.Text, Label = m.Label == "Spam" }));
        var pipeline = ml.Transforms.Text.FeaturizeText("Features", new TextFeaturizingEstimator.Options
            {
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 1, Weighting = NgramExtractingEstimator.WeightingCriteria.TfIdf },
                CharFeatureExtractor = null,
                Norm = TextFeaturizingEstimator.NormFunction.L2,
            }, nameof(Row.Text))
            .AppendCacheCheckpoint(ml)
            .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression(tuned
                ? new Microsoft.ML.Trainers.LbfgsLogisticRegressionBinaryTrainer.Options { NumberOfThreads = 1, L1Regularization = 0, L2Regularization = 0.01f }
                : new Microsoft.ML.Trainers.LbfgsLogisticRegressionBinaryTrainer.Options { NumberOfThreads = 1 }));
        var model = pipeline.Fit(data);
        var trainSeconds = watch.Elapsed.TotalSeconds;
        var trainCpu = CpuSeconds() - cpu;
        var engine = ml.Model.CreatePredictionEngine<Row, Output>(model);
        watch.Restart();
        var predicted = test.Select(m => (string?)(engine.Predict(new Row { Text = m.Text }).PredictedLabel ? "Spam" : "Ham")).ToList();
        var perSecond = test.Count / watch.Elapsed.TotalSeconds;
        return new Result(QualityMetrics.Score(test.Select(m => m.Label).ToList(), predicted), trainSeconds, perSecond, trainCpu);
    }

    /// <summary>What textclassifier 1.x trained: ML.NET FeaturizeText (lower case, no punctuation, word 1–2-gram TF, L2 norm)
    /// on the first 4,000 characters, then L-BFGS maximum entropy with L2 = 0.01, L1 = 0, one thread.</summary>
    private static Result PreviousVersion(List<Message> train, List<Message> test)
    {
        var ml = new MLContext(seed: 1);
        var cpu = CpuSeconds();
        var watch = Stopwatch.StartNew();
        string Cut(string text) => text.Length > 4000 ? text[..4000] : text;
        var data = ml.Data.LoadFromEnumerable(train.Select(m => new Row { Text = Cut(m.Text), Label = m.Label == "Spam" }));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(Row.Label))
            .Append(ml.Transforms.Text.FeaturizeText("Features", new TextFeaturizingEstimator.Options
            {
                CaseMode = TextNormalizingEstimator.CaseMode.Lower,
                KeepDiacritics = false,
                KeepPunctuations = false,
                KeepNumbers = true,
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 2, UseAllLengths = true },
                CharFeatureExtractor = null,
                Norm = TextFeaturizingEstimator.NormFunction.L2,
            }, nameof(Row.Text)))
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new Microsoft.ML.Trainers.LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "LabelKey", NumberOfThreads = 1, L1Regularization = 0, L2Regularization = 0.01f,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("Predicted", "PredictedLabel"));
        var model = pipeline.Fit(data);
        var trainSeconds = watch.Elapsed.TotalSeconds;
        var trainCpu = CpuSeconds() - cpu;
        var engine = ml.Model.CreatePredictionEngine<Row, PreviousOutput>(model);
        watch.Restart();
        var predicted = test.Select(m => (string?)(engine.Predict(new Row { Text = Cut(m.Text) }).Predicted ? "Spam" : "Ham")).ToList();
        var perSecond = test.Count / watch.Elapsed.TotalSeconds;
        return new Result(QualityMetrics.Score(test.Select(m => m.Label).ToList(), predicted), trainSeconds, perSecond, trainCpu);
    }

    private sealed class PreviousOutput
    {
        public bool Predicted { get; set; }
    }

    private sealed class Row
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }

    private sealed class Output
    {
        [ColumnName("PredictedLabel")]
        public bool PredictedLabel { get; set; }
    }
}
