using PluginHost.Plugins.Ner.Text;
using PluginHost.Plugins.Ner.Training;

namespace PluginHost.NerBench;

/// <summary>
/// The no-learning baseline: every maximal run of capitalised words is a name. A text's first word starts a run only
/// when the next word is capitalised too ("Mr. Smith …" yes, "The jury …" no). Possessive "'s" and the "." of
/// abbreviations inside a run ("Mr.") stay in it.
/// </summary>
internal static class CapitalisedRuns
{
    public static IReadOnlyList<CharSpan> Find(string text, string label)
    {
        var tokens = Tokenizer.Tokenize(text);
        var spans = new List<CharSpan>();
        var i = 0;
        while (i < tokens.Count)
        {
            if (!IsCapitalised(tokens[i].Text))
            {
                i++;
                continue;
            }
            var end = i + 1;
            while (end < tokens.Count && (IsCapitalised(tokens[end].Text) || tokens[end].Text is "." or "'s" && end + 1 < tokens.Count && IsCapitalised(tokens[end + 1].Text)))
                end++;
            if (i > 0 || end - i > 1) spans.Add(new CharSpan(tokens[i].Start, tokens[end - 1].End, label));
            i = end;
        }
        return spans;
    }

    private static bool IsCapitalised(string word) => word.Length > 0 && char.IsUpper(word[0]);
}
