using PluginHost.Plugins.Text;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;
using PluginHost.Plugins.TextClassifier;

namespace PluginHost.TextClassifierBench;

/// <summary>
/// Held-out quality and speed of the classifier's candidate configurations, in process (no HTTP), against the
/// TF-IDF + logistic-regression baseline, all ML.NET, all trained on one thread like the host's training thread.
/// </summary>
public static class QualityBench
{
    private static readonly ChoicesTarget Target = new("label", "text", "text", ["Ham", "Spam"], false, null);

    public static IReadOnlyList<(string Name, ClassifierOptions Options)> Candidates(bool quick) => quick
        ? [("lbfgs word1-2 max4000 (default)", new ClassifierOptions())]
        :
        [
            ("lbfgs word1-2 max4000 (default)", new ClassifierOptions()),
            ("lbfgs word1-2 max4000 L2=1 (ML.NET default L1/L2)", new ClassifierOptions(L2: 1f, L1: 1f)),
            ("sdca word1-2 max4000", new ClassifierOptions(Trainer: TrainerKind.Sdca)),
            ("lbfgs word1 max4000", new ClassifierOptions(WordNgrams: 1)),
            ("lbfgs word1-2 +char3 max4000", new ClassifierOptions(CharNgrams: 3)),
            ("lbfgs word1-2 full text", new ClassifierOptions(MaxTextLength: 0)),
            ("lbfgs word1-2 max1000", new ClassifierOptions(MaxTextLength: 1000)),
        ];

    public static void Run(List<Message> train, List<Message> test, bool quick)
    {
        Console.WriteLine($"\n== Held-out quality ({train.Count} train / {test.Count} test, Spam share {test.Count(m => m.Label == "Spam") / (double)test.Count:P1} of test)");
        Console.WriteLine($"{"configuration",-52} {"accuracy",9} {"macro-F1",9} {"train s",8} {"predict/s (1 thread)",21}");
        Print("baseline: TF-IDF words + LbfgsLogisticRegression", Baseline(train, test, tuned: false));
        Print("baseline, L1=0 L2=0.01 (our regularization)", Baseline(train, test, tuned: true));
        foreach (var (name, options) in Candidates(quick))
            Print(name, Candidate(train, test, options));

        // Pooled engines vs one Transform per 100-task batch, same model.
        var model = TextClassifierTrainer.Train(Examples(train), Target, new ClassifierOptions()).ToModel();
        var batches = test.Chunk(100).Select(c => c.Select(m => m.Text).ToList()).ToList();
        foreach (var (mode, score) in new (string, Func<IReadOnlyList<string>, float[][]>)[] { ("pooled PredictionEngine", model.ScorePooled), ("batch Transform", model.ScoreBatch) })
        {
            score(batches[0]);
            var watch = Stopwatch.StartNew();
            var tasks = 0;
            for (var round = 0; round < 3; round++)
                foreach (var batch in batches) { score(batch); tasks += batch.Count; }
            Console.WriteLine($"100-task batches, {mode}: {tasks / watch.Elapsed.TotalSeconds:N0} tasks/s on one thread");
        }
        var parallelWatch = Stopwatch.StartNew();
        var parallelTasks = 0;
        Parallel.ForEach(Enumerable.Range(0, 3).SelectMany(_ => batches), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            batch => { model.ScorePooled(batch); Interlocked.Add(ref parallelTasks, batch.Count); });
        Console.WriteLine($"100-task batches, pooled engines on {Environment.ProcessorCount} threads: {parallelTasks / parallelWatch.Elapsed.TotalSeconds:N0} tasks/s");
        model.Dispose();
    }

    private static void Print(string name, Result r) =>
        Console.WriteLine($"{name,-52} {r.Quality.Accuracy,9:P2} {r.Quality.MacroF1,9:F4} {r.TrainSeconds,8:F1} {r.PredictPerSecond,21:N0}");

    private sealed record Result(Quality Quality, double TrainSeconds, double PredictPerSecond);

    private static List<TextExample> Examples(List<Message> messages) => messages.Select(m => new TextExample(m.Text, [m.Label])).ToList();

    private static Result Candidate(List<Message> train, List<Message> test, ClassifierOptions options)
    {
        var watch = Stopwatch.StartNew();
        var trained = TextClassifierTrainer.Train(Examples(train), Target, options);
        var trainSeconds = watch.Elapsed.TotalSeconds;
        using var model = trained.ToModel();
        var texts = test.Select(m => m.Text).ToList();
        model.ScorePooled(texts.Take(10).ToList());
        watch.Restart();
        var scores = model.ScorePooled(texts);
        var perSecond = texts.Count / watch.Elapsed.TotalSeconds;
        var labels = model.Metadata.ModelLabels;
        var predicted = scores.Select(s => (string?)labels[Array.IndexOf(s, s.Max())]).ToList();
        return new Result(Metrics.Score(test.Select(m => m.Label).ToList(), predicted), trainSeconds, perSecond);
    }

    /// <summary>TF-IDF over words (no n-grams, no char grams) and binary logistic regression: ML.NET's defaults, or our regularization.</summary>
    private static Result Baseline(List<Message> train, List<Message> test, bool tuned)
    {
        var ml = new MLContext(seed: 1);
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
        var engine = ml.Model.CreatePredictionEngine<Row, Output>(model);
        watch.Restart();
        var predicted = test.Select(m => (string?)(engine.Predict(new Row { Text = m.Text }).PredictedLabel ? "Spam" : "Ham")).ToList();
        var perSecond = test.Count / watch.Elapsed.TotalSeconds;
        return new Result(Metrics.Score(test.Select(m => m.Label).ToList(), predicted), trainSeconds, perSecond);
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
