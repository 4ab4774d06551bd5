using System.Globalization;
using System.Text;
using PluginHost.Plugins.Text;

namespace PluginHost.Plugins.EmbeddingClassifier.MiniLm;

/// <summary>
/// BERT's uncased tokenizer (what all-MiniLM-L6-v2 was trained with): control characters dropped, any whitespace
/// splits words (the package's own tokenizer split on spaces only, gluing words across newlines), lower case, accents
/// stripped (NFD, marks removed: "café" is "cafe", not [UNK]), punctuation and CJK characters as their own words, then
/// greedy longest-match WordPiece. Thread-safe: it only reads its vocabulary.
/// </summary>
internal sealed class WordPieceTokenizer
{
    private const int MaxWordLength = 100;
    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public WordPieceTokenizer(IEnumerable<string> vocabularyLines)
    {
        _vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var id = 0;
        foreach (var line in vocabularyLines)
        {
            var token = line.TrimEnd('\r', '\n');
            _vocabulary.TryAdd(token, id++);
        }
        _lookup = _vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        ClsId = Require("[CLS]");
        SepId = Require("[SEP]");
        UnknownId = Require("[UNK]");
        PadId = _vocabulary.GetValueOrDefault("[PAD]");
    }

    public int ClsId { get; }

    public int SepId { get; }

    public int UnknownId { get; }

    public int PadId { get; }

    public static WordPieceTokenizer Load(Stream vocabulary)
    {
        using var reader = new StreamReader(vocabulary, Encoding.UTF8);
        var lines = new List<string>(31_000);
        while (reader.ReadLine() is { } line) lines.Add(line);
        return new WordPieceTokenizer(lines);
    }

    /// <summary>The word-piece ids of <paramref name="text"/> (no [CLS]/[SEP]), stopping after <paramref name="maxIds"/>.</summary>
    public List<int> Encode(string text, int maxIds = int.MaxValue)
    {
        var ids = new List<int>(Math.Min(maxIds, text.Length / 3 + 8));
        var word = new StringBuilder(32);
        foreach (var c in Normalize(text))
        {
            if (ids.Count >= maxIds) break;
            if (char.IsWhiteSpace(c))
            {
                Flush(word, ids);
            }
            else if (IsPunctuation(c) || IsCjk(c))
            {
                Flush(word, ids);
                word.Append(c);
                Flush(word, ids);
            }
            else
            {
                word.Append(c);
            }
        }
        Flush(word, ids);
        if (ids.Count > maxIds) ids.RemoveRange(maxIds, ids.Count - maxIds);
        return ids;
    }

    /// <summary>Lower case, accents removed, control characters dropped (as BERT's BasicTokenizer).</summary>
    private static IEnumerable<char> Normalize(string text)
    {
        foreach (var raw in text)
        {
            var c = LatinLetters.Unaccent(raw);
            if (c == '\0' || c == '\uFFFD') continue;
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsWhiteSpace(c)) { yield return ' '; continue; }
            if (category is UnicodeCategory.Control or UnicodeCategory.Format) continue;
            yield return char.ToLowerInvariant(c);
        }
    }

    private void Flush(StringBuilder word, List<int> ids)
    {
        if (word.Length == 0) return;
        if (word.Length > MaxWordLength)
        {
            word.Clear();
            ids.Add(UnknownId);
            return;
        }
        // One buffer "##" + word: a continuation piece is looked up as a slice of it, the first piece without the "##".
        Span<char> buffer = stackalloc char[MaxWordLength + 2];
        buffer[0] = '#';
        buffer[1] = '#';
        var length = word.Length;
        word.CopyTo(0, buffer[2..], length);
        word.Clear();
        var first = ids.Count;
        for (var start = 0; start < length;)
        {
            var found = -1;
            var end = length;
            for (; end > start; end--)
            {
                var piece = start == 0 ? buffer[2..(end + 2)] : buffer[start..(end + 2)];
                if (start > 0)
                {
                    // The two characters before the piece become the "##" prefix.
                    buffer[start] = '#';
                    buffer[start + 1] = '#';
                }
                if (_lookup.TryGetValue(piece, out found)) break;
            }
            if (end == start)
            {
                ids.RemoveRange(first, ids.Count - first);
                ids.Add(UnknownId);
                return;
            }
            ids.Add(found);
            start = end;
        }
    }

    private static bool IsPunctuation(char c) =>
        c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~' || char.IsPunctuation(c);

    private static bool IsCjk(char c) =>
        c is >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF';

    private int Require(string token) => _vocabulary.TryGetValue(token, out var id)
        ? id
        : throw new InvalidDataException($"The vocabulary has no {token} token: not a BERT WordPiece vocabulary.");
}
