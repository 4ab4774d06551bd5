using Microsoft.ML.Tokenizers;

namespace PluginHost.Plugins.Segmentation.GroundingDino;

/// <summary>One phrase of a caption, the token positions it occupies, and the config label it stands for (null when none).</summary>
internal sealed record CaptionPhrase(string Text, int FirstToken, int LastToken, string? Label);

/// <summary>
/// A Grounding DINO caption (<c>"car . person ."</c>) as the model's text inputs: BERT token ids with [CLS]/[SEP], and
/// what <c>generate_masks_with_special_tokens_and_transfer_map</c> derives from them: a block-diagonal text self-attention
/// mask (each phrase attends only to itself) and position ids restarting at every phrase.
/// </summary>
internal sealed class Caption
{
    private Caption(long[] ids, bool[] textMask, long[] positions, IReadOnlyList<CaptionPhrase> phrases)
    {
        Ids = ids;
        TextMask = textMask;
        Positions = positions;
        Phrases = phrases;
    }

    public long[] Ids { get; }

    public int Length => Ids.Length;

    /// <summary>Row-major <c>[T, T]</c>.</summary>
    public bool[] TextMask { get; }

    public long[] Positions { get; }

    public IReadOnlyList<CaptionPhrase> Phrases { get; }

    /// <summary>The caption text as Grounding DINO's <c>preprocess_caption</c> writes it.</summary>
    public string Text => string.Join(" ", Phrases.Select(p => p.Text.ToLowerInvariant() + " ."));

    /// <summary>Tokenizes phrases one by one (BERT's basic tokenizer splits on "." anyway, so this equals tokenizing the
    /// whole caption) so each phrase's token span is known; stops at the last phrase that fits <paramref name="maxTokens"/>.</summary>
    public static Caption Build(BertTokenizer tokenizer, IReadOnlyList<(string Text, string? Label)> phrases, int maxTokens)
    {
        var dot = tokenizer.EncodeToIds(".", addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);
        if (dot.Count != 1) throw new ModelConfigurationException("The vocabulary has no single token for '.': it is not a BERT vocab.txt.");
        var ids = new List<long> { tokenizer.ClassificationTokenId };
        var spans = new List<CaptionPhrase>();
        foreach (var (text, label) in phrases)
        {
            var tokens = tokenizer.EncodeToIds(text, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);
            if (tokens.Count == 0) continue;
            if (ids.Count + tokens.Count + 2 > maxTokens) break;
            var first = ids.Count;
            ids.AddRange(tokens.Select(t => (long)t));
            spans.Add(new CaptionPhrase(text, first, ids.Count - 1, label));
            ids.Add(dot[0]);
        }
        ids.Add(tokenizer.SeparatorTokenId);
        var special = new HashSet<long> { tokenizer.ClassificationTokenId, tokenizer.SeparatorTokenId, dot[0] };
        var question = tokenizer.EncodeToIds("?", addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);
        if (question.Count == 1) special.Add(question[0]);
        var (mask, positions) = Masks(ids, special);
        return new Caption([.. ids], mask, positions, spans);
    }

    /// <summary>Grounding DINO's <c>generate_masks_with_special_tokens_and_transfer_map</c> for one caption.</summary>
    internal static (bool[] Mask, long[] Positions) Masks(IReadOnlyList<long> ids, IReadOnlySet<long> special)
    {
        var n = ids.Count;
        var mask = new bool[n * n];
        var positions = new long[n];
        for (var i = 0; i < n; i++) mask[i * n + i] = true;
        var previous = 0;
        for (var col = 0; col < n; col++)
        {
            if (!special.Contains(ids[col])) continue;
            if (col == 0 || col == n - 1)
            {
                positions[col] = 0;
            }
            else
            {
                for (var r = previous + 1; r <= col; r++)
                {
                    for (var c = previous + 1; c <= col; c++) mask[r * n + c] = true;
                    positions[r] = r - previous - 1;
                }
            }
            previous = col;
        }
        return (mask, positions);
    }
}
