using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.SubstringMatching;

public readonly record struct MatchOptions(bool CaseInsensitive, bool WholeWord, bool ExcludePromptSpan, int MinSpanLength, int MaxMatches)
{
    public static MatchOptions From(SubstringSettings defaults, ExtraParams extra) => new(
        extra.GetBool("case_insensitive", defaults.CaseInsensitive),
        extra.GetBool("whole_word", defaults.WholeWord),
        extra.GetBool("exclude_prompt_span", defaults.ExcludePromptSpan),
        Math.Max(1, defaults.MinSpanLength),
        (int)Math.Clamp(extra.GetDouble("max_matches", defaults.MaxMatches), 0, Math.Max(0, defaults.MaxMatches)));
}

/// <summary>Finds every non-overlapping occurrence of a needle in a text, with character offsets.</summary>
public static class SubstringMatcher
{
    public static IEnumerable<(int Start, int End)> FindAll(string text, string needle, MatchOptions options)
    {
        if (needle.Length < options.MinSpanLength) yield break;
        var comparison = options.CaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var from = 0;
        var found = 0;
        while (found < options.MaxMatches && from <= text.Length - needle.Length)
        {
            var at = text.IndexOf(needle, from, comparison);
            if (at < 0) yield break;
            var end = at + needle.Length;
            if (!options.WholeWord || IsWordBoundary(text, at, end))
            {
                found++;
                yield return (at, end);
                from = end;
            }
            else
            {
                from = at + 1;
            }
        }
    }

    /// <summary>
    /// The Python example's score: the share of the occurrence's characters equal to the lower-cased span's, so
    /// "apple" scores 1.0 and "Apple" 0.8 for a span "Apple" (its <c>kw</c> is lower-cased before comparing).
    /// </summary>
    public static double Score(string needle, string occurrence)
    {
        if (occurrence.Length == 0) return 0;
        var same = 0;
        for (var i = 0; i < occurrence.Length && i < needle.Length; i++)
            if (char.ToLowerInvariant(needle[i]) == occurrence[i]) same++;
        return (double)same / occurrence.Length;
    }

    private static bool IsWordBoundary(string text, int start, int end) =>
        (start == 0 || !IsWordChar(text[start - 1])) && (end == text.Length || !IsWordChar(text[end]));

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
