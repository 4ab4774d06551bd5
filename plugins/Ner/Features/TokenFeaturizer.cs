using System.Globalization;
using System.Text;
using PluginHost.Plugins.Ner.Text;

namespace PluginHost.Plugins.Ner.Features;

/// <summary>
/// Describes each token by sparse string features; ML.NET turns them into a bag vector with a dictionary learned at
/// training time (unseen features simply contribute nothing). Window features let a per-token classifier use context.
/// Bump <see cref="Version"/> whenever the features change: a saved model records the version it was trained with.
/// Version 2 added the <see cref="WordLexicon"/> features (capitalisation away from sentence starts, a gazetteer
/// learned from the annotations, both also for the neighbours) and the capitalised-run features.
/// </summary>
public static class TokenFeaturizer
{
    public const int Version = 2;

    private static readonly string[] PrefixNames = ["p1=", "p2=", "p3=", "p4="];
    private static readonly string[] SuffixNames = ["s1=", "s2=", "s3=", "s4="];
    private static readonly int[] Offsets = [-2, -1, 1, 2];
    private static readonly string[] WordAtOffset = ["lw-2=", "lw-1=", "lw+1=", "lw+2="];
    private static readonly string[] ShapeAtOffset = ["ssh-2=", "ssh-1=", "ssh+1=", "ssh+2="];

    private static readonly string[] ClusterNames = ["c64=", "c256=", "c1024="];
    private static readonly string[] FirstPieceNames = ["cf64=", "cf256=", "cf1024="];
    private static readonly string[] LastPieceNames = ["cl64=", "cl256=", "cl1024="];

    internal static string Experiment = Environment.GetEnvironmentVariable("NER_EXPERIMENT") ?? "";

    private const string Before = "<s>";
    private const string After = "</s>";

    /// <summary>Features of every token. <paramref name="hidden"/> (training only) marks tokens whose lexicon entry is
    /// left out, as if the word had never been seen.</summary>
    public static string[][] Featurize(string text, IReadOnlyList<Token> tokens, WordLexicon lexicon, IReadOnlyList<bool>? hidden = null)
    {
        var n = tokens.Count;
        var lower = new string[n];
        var shapes = new string[n];
        var shortShapes = new string[n];
        var evidence = new string[n];
        var sentenceStarts = new bool[n];
        for (var i = 0; i < n; i++)
        {
            lower[i] = tokens[i].Text.ToLowerInvariant();
            shapes[i] = Shape(tokens[i].Text, collapse: false);
            shortShapes[i] = Shape(tokens[i].Text, collapse: true);
            sentenceStarts[i] = IsSentenceStart(text, tokens, i);
            var stats = hidden is not null && hidden[i] ? default : lexicon[lower[i]];
            evidence[i] = (IsCapitalised(tokens[i].Text) ? "C" : "c") + stats.CaseEvidence + "|" + stats.EntityEvidence;
        }
        var runs = CapitalisedRuns.Positions(tokens);
        var clusters = new WordClusterIds?[n];
        if (!Experiment.Contains("noclusters"))
            for (var i = 0; i < n; i++) clusters[i] = WordClusters.MiniLm.Lookup(tokens[i].Text);
        var rows = new string[n][];
        var features = new List<string>(40);
        for (var i = 0; i < n; i++)
        {
            features.Clear();
            var word = tokens[i].Text;
            var lw = lower[i];
            features.Add("bias");
            features.Add("w=" + word);
            features.Add("lw=" + lw);
            features.Add("sh=" + shapes[i]);
            features.Add("ssh=" + shortShapes[i]);
            for (var k = 1; k <= PrefixNames.Length && k <= lw.Length; k++)
            {
                features.Add(string.Concat(PrefixNames[k - 1], lw.AsSpan(0, k)));
                features.Add(string.Concat(SuffixNames[k - 1], lw.AsSpan(lw.Length - k)));
            }
            features.Add("len=" + LengthBucket(word.Length));
            var sentenceStart = sentenceStarts[i];
            if (sentenceStart) features.Add("bos|ssh=" + shortShapes[i]);
            if (i == n - 1) features.Add("eos");

            // What the training texts say about this word and its neighbours (capitalised? case / entity evidence).
            var position = sentenceStart ? "|bos" : "";
            features.Add("ev=" + evidence[i] + position);
            features.Add("ev-1=" + (i > 0 ? evidence[i - 1] : Before));
            features.Add("ev+1=" + (i < n - 1 ? evidence[i + 1] : After));
            features.Add("ev-1|ev|ev+1=" + (i > 0 ? evidence[i - 1] : Before) + "/" + evidence[i] + "/" + (i < n - 1 ? evidence[i + 1] : After));
            if (runs[i] is { } run) features.Add("run=" + run + position);

            if (clusters[i] is { } own)
            {
                var grains = Experiment.Contains("c256only") ? 1 : own.First.Length;
                for (var g = 0; g < grains; g++)
                {
                    var level = Experiment.Contains("c256only") ? 1 : g;
                    if (own.IsWholeWord) features.Add(ClusterNames[level] + own.First[level]);
                    else
                    {
                        features.Add(FirstPieceNames[level] + own.First[level]);
                        features.Add(LastPieceNames[level] + own.Last![level]);
                    }
                }
                if (Experiment.Contains("capconj"))
                    features.Add("cap|c256=" + (IsCapitalised(word) ? "C" : "c") + (sentenceStart ? "S" : "") + own.First[1]);
            }
            else features.Add("c=none");
            if (!Experiment.Contains("noneighbours"))
            {
                features.Add("c256-1=" + (i > 0 ? clusters[i - 1]?.First[1].ToString(CultureInfo.InvariantCulture) ?? "?" : Before));
                features.Add("c256+1=" + (i < n - 1 ? clusters[i + 1]?.First[1].ToString(CultureInfo.InvariantCulture) ?? "?" : After));
            }

            string LowerAt(int j) => j < 0 ? Before : j >= n ? After : lower[j];
            string ShapeAt(int j) => j < 0 ? Before : j >= n ? After : shortShapes[j];
            for (var o = 0; o < Offsets.Length; o++)
            {
                features.Add(WordAtOffset[o] + LowerAt(i + Offsets[o]));
                features.Add(ShapeAtOffset[o] + ShapeAt(i + Offsets[o]));
            }
            features.Add("lw-1|lw=" + LowerAt(i - 1) + "|" + lw);
            features.Add("lw|lw+1=" + lw + "|" + LowerAt(i + 1));
            features.Add("ssh-1|ssh|ssh+1=" + ShapeAt(i - 1) + "|" + shortShapes[i] + "|" + ShapeAt(i + 1));
            features.Add("lw-1|ssh=" + LowerAt(i - 1) + "|" + shortShapes[i]);
            rows[i] = features.ToArray();
        }
        return rows;
    }

    /// <summary>Word shape: upper → X, lower → x, digit → d, others kept. Collapsed shapes merge repeats ("Xxxxx" → "Xx").</summary>
    public static string Shape(string word, bool collapse)
    {
        var builder = new StringBuilder(Math.Min(word.Length, 16));
        var previous = '\0';
        foreach (var c in word)
        {
            var s = char.IsUpper(c) ? 'X' : char.IsLower(c) ? 'x' : char.IsDigit(c) ? 'd' : char.IsLetter(c) ? 'l' : c;
            if (collapse && s == previous) continue;
            builder.Append(s);
            previous = s;
            if (builder.Length >= 16) break;
        }
        return builder.ToString();
    }

    private static string LengthBucket(int length) => length switch
    {
        1 => "1",
        2 => "2",
        3 => "3",
        <= 6 => "4-6",
        _ => "7+",
    };

    private static bool IsCapitalised(string word) => word.Length > 0 && char.IsUpper(word[0]);

    /// <summary>First token, or the token after a sentence end or a line break: capitals there say little.</summary>
    internal static bool IsSentenceStart(string text, IReadOnlyList<Token> tokens, int i)
    {
        if (i == 0) return true;
        var previous = tokens[i - 1];
        if (previous.Text is "." or "!" or "?" or "…" or ":" or "\"" or "“") return true;
        return text.AsSpan(previous.End, tokens[i].Start - previous.End).IndexOfAny('\n', '\r') >= 0;
    }
}
