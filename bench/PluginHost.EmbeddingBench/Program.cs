using PluginHost.Bench;
using PluginHost.EmbeddingBench;
using PluginHost.Plugins.EmbeddingClassifier.MiniLm;
using PluginHost.TextClassifierBench;

// dotnet run -c Release --project bench/PluginHost.EmbeddingBench -- [--seeds N] [--pool N] [--test N] [--max-chunks N] [--c C] [--no-curve] [--no-http] [--png PATH]
int Option(string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).DefaultIfEmpty(fallback).First();
var seeds = Option("--seeds", 3);
var poolSize = Option("--pool", 250);
var testSize = Option("--test", 250);
var maxChunks = Option("--max-chunks", new PluginHost.Plugins.EmbeddingClassifier.EmbeddingClassifierSettings().MaxChunks);
var inverseRegularization = args.SkipWhile(a => a != "--c").Skip(1).Select(double.Parse).DefaultIfEmpty(new PluginHost.Plugins.EmbeddingClassifier.EmbeddingClassifierSettings().InverseRegularization).First();
var png = args.SkipWhile(a => a != "--png").Skip(1).DefaultIfEmpty(Path.Combine(RepoFiles.FindRepoRoot(), "docs", "images", "text-learning-curves.png")).First();
var cache = Path.Combine(Path.GetTempPath(), "pluginhost-bench", "npm");
Console.WriteLine($"Embedding classifier benchmark on {Environment.ProcessorCount} cores, .NET {Environment.Version}");

var bundled = Path.Combine(RepoFiles.FindRepoRoot(), "artifacts", "plugins", "embeddingclassifier", ModelSource.BundledFile);
var watch = System.Diagnostics.Stopwatch.StartNew();
var encoder = SentenceEncoder.Load(new ModelSource(bundled, null), new EncoderOptions(MaxChunks: maxChunks));
Console.WriteLine($"Encoder {encoder.Identity} loaded in {watch.Elapsed.TotalSeconds:F2} s; texts cut into at most {maxChunks} chunk(s) of 256 tokens");

if (!args.Contains("--no-curve"))
{
    var spam = SpamAssassin.Split(await SpamAssassin.LoadAsync(cache));
    var brown = BrownGenres.Split(await BrownGenres.LoadAsync(cache));
    Console.WriteLine($"\n== Learning curves: accuracy on held-out documents, mean ± sd over {seeds} random draws per size, head C = {inverseRegularization}");
    var panels = new List<(string, IReadOnlyList<CurvePoint>)>();
    foreach (var (name, (train, test), labels) in new[]
    {
        ($"SpamAssassin (npm {SpamAssassin.Package}): Ham / Spam", spam, (IReadOnlyList<string>)["Ham", "Spam"]),
        ($"Brown Corpus genres (npm {BrownGenres.Package}): News / Religion / Hobbies / Romance", brown, BrownGenres.Genres.Values.ToList()),
    })
    {
        var pool = Sample(train, poolSize);
        var held = Sample(test, testSize);
        Console.WriteLine($"\n{name}: pool {pool.Count} of {train.Count} training texts, {held.Count} of {test.Count} held-out texts");
        panels.Add((name.Split(" (")[0], await LearningCurve.RunAsync(name, pool, held, labels, encoder, seeds, inverseRegularization)));
    }
    CurveChart.Save(png, panels);
    Console.WriteLine($"\nChart: {png}");
}

if (!args.Contains("--no-http")) await ThroughputBench.RunAsync(cache);

static List<Message> Sample(List<Message> messages, int count)
{
    var copy = messages.ToArray();
    new Random(7).Shuffle(copy);
    return copy.Take(count).ToList();
}
