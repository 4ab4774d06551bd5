using PluginHost.Plugins.Ner.Text;

namespace PluginHost.Plugins.Ner.Features;

/// <summary>
/// Runs of capitalised words ("Augustus Baldwin Longstreet", "St. Louis", "Mr. H. Smith"): a multi-word name is
/// usually one run, so a token's place in its run tells the tagger where a name begins and ends even when none of
/// its words was seen in training. The "." of an abbreviation glued to a capitalised word continues the run when a
/// capitalised word follows.
/// </summary>
public static class CapitalisedRuns
{
    /// <summary>Per token: null outside a run, else its run length (capped at 4) and place: "1/S" single,
    /// "3/B" first, "3/I" inside, "3/L" last.</summary>
    public static string?[] Positions(IReadOnlyList<Token> tokens)
    {
        var n = tokens.Count;
        var result = new string?[n];
        var i = 0;
        while (i < n)
        {
            if (!IsCapitalised(tokens[i].Text))
            {
                i++;
                continue;
            }
            var end = i + 1;
            while (end < n && (IsCapitalised(tokens[end].Text) || IsGluedDot(tokens, end) && end + 1 < n && IsCapitalised(tokens[end + 1].Text)))
                end++;
            var length = Math.Min(end - i, 4);
            for (var t = i; t < end; t++)
                result[t] = length + "/" + (end - i == 1 ? "S" : t == i ? "B" : t == end - 1 ? "L" : "I");
            i = end;
        }
        return result;
    }

    private static bool IsCapitalised(string word) => word.Length > 0 && char.IsUpper(word[0]);

    private static bool IsGluedDot(IReadOnlyList<Token> tokens, int i) =>
        tokens[i].Text == "." && tokens[i].Start == tokens[i - 1].End;
}
