namespace PluginHost.Plugins.Ner.Tagging;

/// <summary>How entity spans are written as one tag per token.</summary>
public enum TagScheme
{
    /// <summary>B-X begins an entity, I-X continues it, O is outside.</summary>
    Bio,

    /// <summary>B-X begins, I-X inside, L-X last, U-X a one-token entity, O outside.</summary>
    Bilou,
}

/// <summary>An entity over tokens [<see cref="Start"/>, <see cref="End"/>) with a label index into <see cref="TagSet.Labels"/>.</summary>
public readonly record struct TokenSpan(int Start, int End, int Label)
{
    public int Length => End - Start;
}

/// <summary>
/// The tags of one model: O, then for each label its prefixed tags. Converts spans to tags and back, and knows
/// which tag may follow which (the constraints Viterbi decoding enforces).
/// </summary>
public sealed class TagSet
{
    public const int Outside = 0;

    private readonly char[] _prefixes;

    public TagSet(IReadOnlyList<string> labels, TagScheme scheme)
    {
        if (labels.Count == 0) throw new ArgumentException("A tag set needs at least one label.", nameof(labels));
        if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Count)
            throw new ArgumentException("Labels must be distinct.", nameof(labels));
        Labels = labels.ToArray();
        Scheme = scheme;
        _prefixes = scheme == TagScheme.Bio ? ['B', 'I'] : ['B', 'I', 'L', 'U'];
        Count = 1 + Labels.Count * _prefixes.Length;
        var names = new string[Count];
        names[Outside] = "O";
        for (var label = 0; label < Labels.Count; label++)
            for (var p = 0; p < _prefixes.Length; p++)
                names[Tag(_prefixes[p], label)] = $"{_prefixes[p]}-{Labels[label]}";
        Names = names;
    }

    public IReadOnlyList<string> Labels { get; }

    public TagScheme Scheme { get; }

    /// <summary>Number of tags, O included.</summary>
    public int Count { get; }

    /// <summary>Tag names in index order: <c>O</c>, <c>B-PER</c>, <c>I-PER</c>, …</summary>
    public IReadOnlyList<string> Names { get; }

    public char PrefixOf(int tag) => tag == Outside ? 'O' : _prefixes[(tag - 1) % _prefixes.Length];

    /// <summary>The label index of a tag, or -1 for O.</summary>
    public int LabelOf(int tag) => tag == Outside ? -1 : (tag - 1) / _prefixes.Length;

    public int Tag(char prefix, int label)
    {
        var p = Array.IndexOf(_prefixes, prefix);
        if (p < 0) throw new ArgumentException($"Prefix '{prefix}' is not part of the {Scheme} scheme.", nameof(prefix));
        return 1 + label * _prefixes.Length + p;
    }

    /// <summary>Writes non-overlapping spans as tags; spans must be sorted-independent but must not overlap.</summary>
    public int[] Encode(IEnumerable<TokenSpan> spans, int tokenCount)
    {
        var tags = new int[tokenCount];
        foreach (var span in spans)
        {
            if (span.Start < 0 || span.End > tokenCount || span.Length <= 0)
                throw new ArgumentOutOfRangeException(nameof(spans), $"Span [{span.Start},{span.End}) is outside 0..{tokenCount}.");
            for (var t = span.Start; t < span.End; t++)
            {
                if (tags[t] != Outside) throw new ArgumentException($"Spans overlap at token {t}.", nameof(spans));
                tags[t] = Tag(PrefixAt(t - span.Start, span.Length), span.Label);
            }
        }
        return tags;
    }

    private char PrefixAt(int offset, int length) => Scheme switch
    {
        TagScheme.Bio => offset == 0 ? 'B' : 'I',
        _ when length == 1 => 'U',
        _ => offset == 0 ? 'B' : offset == length - 1 ? 'L' : 'I',
    };

    /// <summary>
    /// Reads spans back from tags. Valid sequences round-trip exactly; invalid ones are read leniently (an I-X that
    /// follows no B-X starts a new entity, as conlleval does), so a greedy decoder's output can still be scored.
    /// </summary>
    public List<TokenSpan> Decode(ReadOnlySpan<int> tags)
    {
        var spans = new List<TokenSpan>();
        var openStart = -1;
        var openLabel = -1;
        for (var t = 0; t < tags.Length; t++)
        {
            var prefix = PrefixOf(tags[t]);
            var label = LabelOf(tags[t]);
            var continues = openStart >= 0 && label == openLabel && prefix is 'I' or 'L';
            if (!continues)
            {
                Close(t);
                if (prefix != 'O')
                {
                    openStart = t;
                    openLabel = label;
                }
            }
            if (prefix is 'L' or 'U') Close(t + 1);
        }
        Close(tags.Length);
        return spans;

        void Close(int end)
        {
            if (openStart >= 0) spans.Add(new TokenSpan(openStart, end, openLabel));
            openStart = -1;
            openLabel = -1;
        }
    }

    /// <summary>Whether <paramref name="next"/> may follow <paramref name="previous"/> (-1 = sequence start).</summary>
    public bool IsAllowed(int previous, int next)
    {
        var nextPrefix = PrefixOf(next);
        var insideEntity = previous >= 0 && PrefixOf(previous) is 'B' or 'I';
        if (Scheme == TagScheme.Bio)
            return nextPrefix != 'I' || (previous >= 0 && previous != Outside && LabelOf(previous) == LabelOf(next));
        // BILOU: an open entity (after B or I) must continue with I or L of its label; otherwise only O, B or U.
        if (insideEntity) return nextPrefix is 'I' or 'L' && LabelOf(previous) == LabelOf(next);
        return nextPrefix is 'O' or 'B' or 'U';
    }

    /// <summary>Whether a sequence may end with <paramref name="last"/> (BILOU may not end inside an entity).</summary>
    public bool IsAllowedEnd(int last) => Scheme == TagScheme.Bio || PrefixOf(last) is 'O' or 'L' or 'U';

    /// <summary>True when every transition of <paramref name="tags"/> is allowed.</summary>
    public bool IsValid(ReadOnlySpan<int> tags)
    {
        var previous = -1;
        foreach (var tag in tags)
        {
            if (!IsAllowed(previous, tag)) return false;
            previous = tag;
        }
        return tags.Length == 0 || IsAllowedEnd(previous);
    }
}
