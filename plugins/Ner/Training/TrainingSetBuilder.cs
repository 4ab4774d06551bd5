using PluginHost.Plugins.Ner.Tagging;
using PluginHost.Plugins.Ner.Text;

namespace PluginHost.Plugins.Ner.Training;

/// <summary>One training sequence: tokens, their features' source and the gold tags.</summary>
public sealed record TrainingSequence(string Text, IReadOnlyList<Token> Tokens, int[] Tags);

/// <summary>What the builder did with the annotations, so training logs and the model metadata can say it.</summary>
public sealed class TrainingSetStats
{
    public int Texts { get; set; }
    public int Tokens { get; set; }
    public int Spans { get; set; }
    public int TextsWithoutSpans { get; set; }
    public int SnappedSpans { get; set; }
    public int OverlappingSpansDropped { get; set; }
    public int UnknownLabelSpansIgnored { get; set; }
    public int InvalidSpansIgnored { get; set; }
    public Dictionary<string, int> SpansPerLabel { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Turns annotated texts into tagged token sequences. Deliberate choices:
/// <list type="bullet">
/// <item><b>Spans that cut tokens</b> are snapped to token boundaries: a token belongs to the span when at least
/// half of it is covered (so "Appl" still takes "Apple", while a span that grazes one character of the next word does
/// not take that word); when no token is half covered, the most covered token is taken.</item>
/// <item><b>Overlapping or nested spans</b> (after snapping): the longer one is kept (ties: the earlier one) because a
/// BIO tag sequence can hold only one entity per token.</item>
/// <item><b>Labels not in the config</b> are ignored: the span is dropped and its tokens count as outside.</item>
/// <item><b>Spans out of the text's range</b> or empty are ignored.</item>
/// <item><b>Texts without spans</b> are kept as all-O sequences: they teach the model what is not an entity.</item>
/// </list>
/// </summary>
public sealed class TrainingSetBuilder
{
    private readonly TagSet _tags;
    private readonly Dictionary<string, int> _labelIndex;

    public TrainingSetBuilder(TagSet tags)
    {
        _tags = tags;
        _labelIndex = tags.Labels.Select((label, index) => (label, index)).ToDictionary(x => x.label, x => x.index, StringComparer.Ordinal);
    }

    public TrainingSetStats Stats { get; } = new();

    public TrainingSequence Add(AnnotatedText example)
    {
        var tokens = Tokenizer.Tokenize(example.Text);
        var spans = new List<TokenSpan>();
        foreach (var span in example.Spans)
        {
            if (!_labelIndex.TryGetValue(span.Label, out var label))
            {
                Stats.UnknownLabelSpansIgnored++;
                continue;
            }
            if (span.Start < 0 || span.End > example.Text.Length || span.End <= span.Start)
            {
                Stats.InvalidSpansIgnored++;
                continue;
            }
            var snapped = SnapToTokens(tokens, span.Start, span.End, out var exact);
            if (snapped is null)
            {
                Stats.InvalidSpansIgnored++;
                continue;
            }
            if (!exact) Stats.SnappedSpans++;
            spans.Add(snapped.Value with { Label = label });
        }
        var kept = RemoveOverlaps(spans);
        Stats.OverlappingSpansDropped += spans.Count - kept.Count;
        Stats.Texts++;
        Stats.Tokens += tokens.Count;
        Stats.Spans += kept.Count;
        if (kept.Count == 0) Stats.TextsWithoutSpans++;
        foreach (var span in kept)
            Stats.SpansPerLabel[_tags.Labels[span.Label]] = Stats.SpansPerLabel.GetValueOrDefault(_tags.Labels[span.Label]) + 1;
        return new TrainingSequence(example.Text, tokens, _tags.Encode(kept, tokens.Count));
    }

    /// <summary>The tokens a character span covers (see the class remarks), or null when it covers none.</summary>
    public static TokenSpan? SnapToTokens(IReadOnlyList<Token> tokens, int start, int end, out bool exact)
    {
        var first = -1;
        var last = -1;
        var bestToken = -1;
        var bestOverlap = 0;
        exact = false;
        for (var t = 0; t < tokens.Count; t++)
        {
            var token = tokens[t];
            if (token.End <= start) continue;
            if (token.Start >= end) break;
            var overlap = Math.Min(end, token.End) - Math.Max(start, token.Start);
            if (overlap > bestOverlap)
            {
                bestOverlap = overlap;
                bestToken = t;
            }
            if (overlap * 2 < token.Length) continue;
            if (first < 0) first = t;
            last = t;
        }
        if (first < 0)
        {
            if (bestToken < 0) return null;
            first = last = bestToken;
        }
        exact = tokens[first].Start == start && tokens[last].End == end;
        return new TokenSpan(first, last + 1, 0);
    }

    /// <summary>Keeps the longest spans first, so every token is in at most one entity.</summary>
    public static List<TokenSpan> RemoveOverlaps(IReadOnlyList<TokenSpan> spans)
    {
        var kept = new List<TokenSpan>(spans.Count);
        foreach (var span in spans.OrderByDescending(s => s.Length).ThenBy(s => s.Start))
            if (!kept.Any(k => k.Start < span.End && span.Start < k.End)) kept.Add(span);
        kept.Sort((a, b) => a.Start.CompareTo(b.Start));
        return kept;
    }
}
