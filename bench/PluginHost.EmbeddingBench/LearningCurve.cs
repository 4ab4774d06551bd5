extern alias textclassifier;

using System.Diagnostics;
using PluginHost.Plugins.EmbeddingClassifier;
using PluginHost.Plugins.EmbeddingClassifier.MiniLm;
using PluginHost.Plugins.Text;
using TextTrainer = textclassifier::PluginHost.Plugins.TextClassifier.TextClassifierTrainer;
using TextExample = textclassifier::PluginHost.Plugins.TextClassifier.TextExample;
using TextOptions = textclassifier::PluginHost.Plugins.TextClassifier.ClassifierOptions;
using TextTarget = textclassifier::PluginHost.Plugins.Text.ChoicesTarget;
using PluginHost.TextClassifierBench;

namespace PluginHost.EmbeddingBench;

/// <summary>Mean held-out accuracy (and its spread over the random draws) of one backend after n labels.</summary>
public sealed record CurvePoint(int Labels, double Embedding, double EmbeddingSd, double Text, double TextSd);

/// <summary>
/// Accuracy after 10, 25, 50, 100, 200 labelled examples, for the embedding head and the textclassifier (defaults both),
/// on the same random draws from the training documents, scored on the held-out documents. Each size is drawn
/// <c>seeds</c> times; draws are plain random samples (a small draw may miss a label, as a real project's first labels can).
/// </summary>
internal static class LearningCurve
{
    public static readonly int[] Sizes = [10, 25, 50, 100, 200];

    public static async Task<IReadOnlyList<CurvePoint>> RunAsync(string name, List<Message> pool, List<Message> test, IReadOnlyList<string> labels,
        SentenceEncoder encoder, int seeds, double inverseRegularization)
    {
        var target = new ChoicesTarget("label", "text", "text", labels, false, null);
        var textTarget = new TextTarget("label", "text", "text", labels, false, null);
        var watch = Stopwatch.StartNew();
        var poolVectors = await encoder.EncodeAsync(pool.Select(m => m.Text).ToList(), CancellationToken.None);
        var testVectors = await encoder.EncodeAsync(test.Select(m => m.Text).ToList(), CancellationToken.None);
        var chunksPerSecond = (pool.Count + test.Count) / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"{name}: embedded {pool.Count} pool + {test.Count} test texts in {watch.Elapsed.TotalSeconds:F1} s ({chunksPerSecond:F1} texts/s)");
        var truth = test.Select(m => m.Label).ToList();
        var points = new List<CurvePoint>();
        Console.WriteLine($"{"labels",6} {"embedding",16} {"textclassifier",16} {"head fit ms",12} {"text fit ms",12}");
        foreach (var size in Sizes.Where(s => s <= pool.Count))
        {
            var embeddingScores = new List<double>();
            var textScores = new List<double>();
            double headMs = 0, textMs = 0;
            for (var seed = 0; seed < seeds; seed++)
            {
                var draw = Enumerable.Range(0, pool.Count).ToArray();
                new Random(1000 * size + seed).Shuffle(draw);
                var chosen = draw.Take(size).ToList();
                if (chosen.Select(i => pool[i].Label).Distinct().Count() < 2) chosen[^1] = draw.Skip(size).First(i => pool[i].Label != pool[chosen[0]].Label);

                var fit = Stopwatch.StartNew();
                var head = HeadTrainer.Train(chosen.Select(i => poolVectors[i]).ToList(), chosen.Select(i => (IReadOnlyList<string>)[pool[i].Label]).ToList(),
                    target, encoder.Identity, inverseRegularization, CancellationToken.None);
                headMs += fit.Elapsed.TotalMilliseconds;
                embeddingScores.Add(QualityMetrics.Score(truth, testVectors.Select(v => Best(head.Metadata.ModelLabels, head.Score(v))).ToList()).Accuracy);

                fit.Restart();
                var trained = TextTrainer.Train(chosen.Select(i => new TextExample(pool[i].Text, [pool[i].Label])).ToList(), textTarget, new TextOptions());
                textMs += fit.Elapsed.TotalMilliseconds;
                var model = trained.ToModel();
                textScores.Add(QualityMetrics.Score(truth, model.Score(test.Select(m => m.Text).ToList()).Select(p => Best(model.Metadata.ModelLabels, p)).ToList()).Accuracy);
            }
            var point = new CurvePoint(size, embeddingScores.Average(), Sd(embeddingScores), textScores.Average(), Sd(textScores));
            points.Add(point);
            Console.WriteLine($"{size,6} {point.Embedding,9:P1} ±{point.EmbeddingSd * 100,4:F1} {point.Text,9:P1} ±{point.TextSd * 100,4:F1} {headMs / seeds,12:F0} {textMs / seeds,12:F0}");
        }
        return points;
    }

    private static string? Best(IReadOnlyList<string> labels, float[] p)
    {
        if (p.Length == 0) return null;
        var best = 0;
        for (var k = 1; k < p.Length; k++) if (p[k] > p[best]) best = k;
        return labels[best];
    }

    private static double Sd(List<double> values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Count - 1));
    }
}
