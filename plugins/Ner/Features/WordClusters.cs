using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using PluginHost.Plugins.Text;

namespace PluginHost.Plugins.Ner.Features;

/// <summary>
/// Pretrained word knowledge without a transformer pass: the word-piece embeddings of all-MiniLM-L6-v2 clustered once
/// (spherical k-means at 64, 256 and 1,024 clusters; derived by the NER benchmark, see docs/ner.md) into classes like
/// Brown clusters: first names, surnames, cities, military ranks, political words… A word the annotations never showed
/// still lands in the class of the words it resembles. The table (<c>minilm-word-clusters.txt</c>, one
/// "piece c64 c256 c1024" line per vocabulary entry) is embedded in this assembly and shared by every model.
/// MiniLM is uncased: the words are looked up lower-cased and without accents, as its tokenizer does.
/// </summary>
public sealed class WordClusters
{
    public const string ResourceName = "PluginHost.Plugins.Ner.minilm-word-clusters.txt";
    private const int MaxWordLength = 40;

    private static readonly Lazy<WordClusters> Bundled = new(LoadBundled);

    private readonly Dictionary<string, int[]> _pieces;
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    // Tokens seen before, as written: most tokens of a text are frequent words, and a name's pieces cost a greedy
    // search. Bounded so a stream of new words cannot grow it without end.
    private readonly ConcurrentDictionary<string, WordClusterIds?> _seen = new(StringComparer.Ordinal);
    private const int MaxSeen = 200_000;

    private WordClusters(Dictionary<string, int[]> pieces, int[] clusterCounts)
    {
        _pieces = pieces;
        _lookup = pieces.GetAlternateLookup<ReadOnlySpan<char>>();
        ClusterCounts = clusterCounts;
    }

    /// <summary>Clusters per granularity (the largest id + 1 of each column), e.g. 64, 256, 1024.</summary>
    public IReadOnlyList<int> ClusterCounts { get; }

    /// <summary>The table embedded in this assembly (loaded once per process, about 30,000 entries).</summary>
    public static WordClusters MiniLm => Bundled.Value;

    public int Count => _pieces.Count;

    /// <summary>The cluster ids (one per granularity) of a word: of the whole word when it is one vocabulary entry, else
    /// of its first and last word pieces. <c>null</c> when the vocabulary cannot spell it (BERT's [UNK]) or it is longer
    /// than 40 characters.</summary>
    public WordClusterIds? Lookup(string word)
    {
        if (_seen.TryGetValue(word, out var known)) return known;
        var ids = Find(word);
        if (_seen.Count < MaxSeen) _seen.TryAdd(word, ids);
        return ids;
    }

    private WordClusterIds? Find(string word)
    {
        if (word.Length > MaxWordLength) return null;
        Span<char> buffer = stackalloc char[MaxWordLength + 2];
        buffer[0] = '#';
        buffer[1] = '#';
        var length = 0;
        foreach (var raw in word)
        {
            var c = char.ToLowerInvariant(LatinLetters.Unaccent(raw));
            buffer[2 + length++] = c;
        }
        var text = buffer[2..(2 + length)];
        if (_lookup.TryGetValue(text, out var whole)) return new WordClusterIds(whole, null);

        // Greedy longest-match word pieces, as BERT's tokenizer: only the first and the last are kept.
        int[]? first = null, last = null;
        for (var start = 0; start < length;)
        {
            var end = length;
            int[]? found = null;
            for (; end > start; end--)
            {
                var piece = start == 0 ? text[..end] : buffer[start..(end + 2)];
                if (start > 0)
                {
                    buffer[start] = '#';
                    buffer[start + 1] = '#';
                }
                if (_lookup.TryGetValue(piece, out found)) break;
            }
            if (found is null) return null;
            first ??= found;
            last = found;
            start = end;
        }
        return first is null ? null : new WordClusterIds(first, last);
    }

    public static WordClusters Load(TextReader reader)
    {
        var pieces = new Dictionary<string, int[]>(31_000, StringComparer.Ordinal);
        int[]? counts = null;
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ');
            if (parts.Length < 2 || counts is not null && parts.Length != counts.Length + 1)
                throw new InvalidDataException($"Word cluster line '{line}' does not have the form 'piece c1 c2 …' with as many ids as the first line.");
            var ids = parts[1..].Select(p => int.Parse(p, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
            counts ??= new int[ids.Length];
            for (var g = 0; g < ids.Length; g++) counts[g] = Math.Max(counts[g], ids[g] + 1);
            pieces[parts[0]] = ids;
        }
        return new WordClusters(pieces, counts ?? []);
    }

    private static WordClusters LoadBundled()
    {
        using var stream = typeof(WordClusters).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The NER assembly has no embedded resource {ResourceName}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Load(reader);
    }
}
