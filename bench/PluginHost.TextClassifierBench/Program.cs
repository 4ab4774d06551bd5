using System.Diagnostics;
using PluginHost.TextClassifierBench;

// dotnet run -c Release --project bench/PluginHost.TextClassifierBench -- [--quick] [--no-http] [--no-quality] [--seconds N] [--train-size N] [--retrain-only] [--rounds N]
var quick = args.Contains("--quick");
var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(double.Parse).DefaultIfEmpty(quick ? 4 : 10).First();
var cache = Path.Combine(Path.GetTempPath(), "pluginhost-bench", "npm");
Console.WriteLine($"TextClassifier benchmark on {Environment.ProcessorCount} cores, .NET {Environment.Version}");

var watch = Stopwatch.StartNew();
var messages = await SpamAssassin.LoadAsync(cache);
var (train, test) = SpamAssassin.Split(messages);
// --train-size N: train on the first N messages of the training split (the test split is unchanged).
if (args.SkipWhile(a => a != "--train-size").Skip(1).Select(int.Parse).FirstOrDefault() is > 0 and var trainSize) train = train.Take(trainSize).ToList();
Console.WriteLine($"SpamAssassin: {messages.Count} messages ({messages.Count(m => m.Label == "Spam")} spam) loaded in {watch.Elapsed.TotalSeconds:F1} s; "
    + $"median length {messages.Select(m => m.Text.Length).Order().ElementAt(messages.Count / 2)} chars");

if (!args.Contains("--no-quality")) QualityBench.Run(train, test, quick);
if (args.Contains("--no-http")) return;
var retrainOnly = args.Contains("--retrain-only");

Console.WriteLine("\n== Over HTTP (host in this process, textclassifier plugin, defaults)");
var fullBodies = test.Chunk(100).Select(c => HttpBench.PredictBody(c.Select(m => m.Text))).ToList();
// Subject lines only: what the host and model cost when texts are short (tweets, titles, sentences).
var subjects = test.Select(m => m.Text.Split('\n').FirstOrDefault(l => l.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase)) ?? m.Text[..Math.Min(80, m.Text.Length)]).ToList();
var shortBodies = subjects.Chunk(100).Select(c => HttpBench.PredictBody(c)).ToList();
Console.WriteLine($"100-task request bodies: full messages {fullBodies.Average(b => b.Length) / 1024:N0} KiB, subject lines {shortBodies.Average(b => b.Length) / 1024:N0} KiB");

await using (var bench = await HttpBench.StartAsync(nice: 19))
{
    var (trainSeconds, version) = await bench.TrainAsync(train);
    Console.WriteLine($"/train on {train.Count} messages → {version} in {trainSeconds:F1} s (job duration, includes store, load and warm-up)");
    Console.WriteLine($"/versions: {await bench.ActiveVersionFiguresAsync()}");
    // --rounds N: START_TRAINING → new version answering /predict, N times; p50 of the wall times.
    var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).DefaultIfEmpty(3).First();
    var serving = version;
    var retrainTimes = new List<double>();
    for (var round = 1; round <= rounds; round++)
    {
        var (retrainSeconds, jobSeconds, retrained) = await bench.RetrainAsync(serving);
        retrainTimes.Add(retrainSeconds);
        serving = retrained;
        Console.WriteLine($"START_TRAINING webhook on the {train.Count} stored annotations → {retrained} answering /predict after {retrainSeconds:F2} s (job {jobSeconds:F2} s)");
    }
    Console.WriteLine($"START_TRAINING → new version serving: p50 {QualityMetrics.Percentile(retrainTimes, 50):F2} s, max {retrainTimes.Max():F2} s over {rounds} rounds");
    var quality = await bench.EvaluateAsync(test);
    Console.WriteLine($"held-out through /predict: accuracy {quality.Accuracy:P2}, macro-F1 {quality.MacroF1:F4}");
    if (retrainOnly) return;
    foreach (var clients in new[] { 4, 16 })
    {
        await bench.LoadAsync(fullBodies, 100, clients, TimeSpan.FromSeconds(1));
        Console.WriteLine($"full messages, {clients,2} clients: {await bench.LoadAsync(fullBodies, 100, clients, TimeSpan.FromSeconds(seconds))}");
    }
    foreach (var clients in new[] { 4, 16 })
    {
        await bench.LoadAsync(shortBodies, 100, clients, TimeSpan.FromSeconds(1));
        Console.WriteLine($"subject lines, {clients,2} clients: {await bench.LoadAsync(shortBodies, 100, clients, TimeSpan.FromSeconds(seconds))}");
    }
}

Console.WriteLine("\n== Predict latency while training (2 clients, 10-task requests of full messages)");
var smallBodies = test.Chunk(10).Select(c => HttpBench.PredictBody(c.Select(m => m.Text))).ToList();
foreach (var nice in quick ? [19, 0] : new[] { 19, 10, 0 })
{
    await using var bench = await HttpBench.StartAsync(nice);
    await bench.TrainAsync(train);
    await bench.LoadAsync(smallBodies, 10, 2, TimeSpan.FromSeconds(1));
    var (idle, training, jobSeconds) = await bench.LatencyUnderTrainingAsync(train, smallBodies, 10, 2, TimeSpan.FromSeconds(seconds));
    Console.WriteLine($"nice {nice,2}: idle     {idle}");
    Console.WriteLine($"nice {nice,2}: training {training}  (job took {jobSeconds:F1} s)");
}
