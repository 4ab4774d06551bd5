using System.Globalization;
using System.Text;
using PluginHost.Plugins.Ner.Text;

namespace PluginHost.Plugins.Ner.Features;

/// <summary>
/// Describes each token by sparse string features; ML.NET turns them into a bag vector with a dictionary learned at
/// training time (unseen features simply contribute nothing). Window features let a per-token classifier use context.
/// Bump <see cref="Version"/> whenever the features change: a saved model records the version it was trained with.
/// Version 2 added the <see cref="WordLexicon"/> features (capitalisation away from sentence starts, a gazetteer
/// learned from the annotations, both also for the neighbours) and the capitalised-run features. Version 3 added the
/// <see cref="WordClusters"/> (pretrained word classes from MiniLM's word-piece embeddings) of the token and its neighbours,
/// and whether a word is a common lower-case <see cref="EnglishWords">English word</see>.
/// </summary>
public static class TokenFeaturizer
{
    public const int Version = 3;

    private static readonly string[] PrefixNames = ["p1=", "p2=", "p3=", "p4="];
    private static readonly string[] SuffixNames = ["s1=", "s2=", "s3=", "s4="];
    private static readonly int[] Offsets = [-2, -1, 1, 2];
    private static readonly string[] WordAtOffset = ["lw-2=", "lw-1=", "lw+1=", "lw+2="];
    private static readonly string[] ShapeAtOffset = ["ssh-2=", "ssh-1=", "ssh+1=", "ssh+2="];

    private static readonly ClusterFeatureNames ClusterNames = new(WordClusters.MiniLm.ClusterCounts);

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
        var english = new string?[n];
        for (var i = 0; i < n; i++)
        {
            clusters[i] = WordClusters.MiniLm.Lookup(tokens[i].Text);
            english[i] = EnglishWords.Scowl.Level(lower[i]);
        }
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

            // Pretrained word classes (MiniLM word-piece clusters) of the token and its neighbours, and the token's
            // coarse class with what the training texts say about it.
            AddClusters(features, clusters[i]);
            for (var g = 0; g < ClusterNames.Grains; g++)
            {
                features.Add(i > 0 ? NeighbourCluster(ClusterFeatureNames.Before, clusters[i - 1], g) : ClusterNames.Edge(ClusterFeatureNames.Before, g));
                features.Add(i < n - 1 ? NeighbourCluster(ClusterFeatureNames.After, clusters[i + 1], g) : ClusterNames.Edge(ClusterFeatureNames.After, g));
            }
            features.Add("ev|c64=" + evidence[i] + "|" + (clusters[i] is { } coarse ? coarse.First[0].ToString(CultureInfo.InvariantCulture) : "?"));
            // Is it a common lower-case English word (SCOWL)? Alone, with its capital and sentence start, and for the
            // neighbours: a capitalised non-word is likely a name, a capitalised common word likely not.
            features.Add("en=" + (english[i] ?? "no"));
            features.Add("en|cap=" + (english[i] ?? "no") + (IsCapitalised(word) ? "C" : "c") + position);
            features.Add("en-1=" + (i > 0 ? english[i - 1] is null ? "no" : "yes" : Before));
            features.Add("en+1=" + (i < n - 1 ? english[i + 1] is null ? "no" : "yes" : After));

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

    /// <summary>The word's classes at every granularity: of the whole word, or of its first and last word pieces (a long
    /// or rare name such as "Longstreet" is several pieces); "c=none" when the vocabulary cannot spell it.</summary>
    private static void AddClusters(List<string> features, WordClusterIds? ids)
    {
        if (ids is not { } own)
        {
            features.Add("c=none");
            return;
        }
        for (var g = 0; g < ClusterNames.Grains; g++)
        {
            if (own.IsWholeWord)
            {
                features.Add(ClusterNames.Get(ClusterFeatureNames.Whole, g, own.First[g]));
                continue;
            }
            features.Add(ClusterNames.Get(ClusterFeatureNames.FirstPiece, g, own.First[g]));
            features.Add(ClusterNames.Get(ClusterFeatureNames.LastPiece, g, own.Last![g]));
        }
    }

    private static string NeighbourCluster(int kind, WordClusterIds? ids, int grain) =>
        ids is { } known ? ClusterNames.Get(kind, grain, known.First[grain]) : ClusterNames.Unknown(kind, grain);

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
