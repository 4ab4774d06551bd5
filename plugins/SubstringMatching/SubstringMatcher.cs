using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.SubstringMatching;

public readonly record struct MatchOptions(bool CaseInsensitive, bool WholeWord, double CaseVariantScore)
{
    public static MatchOptions From(SubstringSettings defaults, ExtraParams extra) => new(
        extra.GetBool("case_insensitive", defaults.CaseInsensitive),
        extra.GetBool("whole_word", defaults.WholeWord),
        defaults.CaseVariantScore);
}

/// <summary>Finds every non-overlapping occurrence of a needle in a text, with character offsets.</summary>
public static class SubstringMatcher
{
    public static IEnumerable<(int Start, int End)> FindAll(string text, string needle, MatchOptions options)
    {
        var comparison = options.CaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var from = 0;
        while (from <= text.Length - needle.Length)
        {
            var at = text.IndexOf(needle, from, comparison);
            if (at < 0) yield break;
            var end = at + needle.Length;
            if (!options.WholeWord || IsWordBoundary(text, at, end))
            {
                yield return (at, end);
                from = end;
            }
            else
            {
                from = at + 1;
            }
        }
    }

    private static bool IsWordBoundary(string text, int start, int end) =>
        (start == 0 || !IsWordChar(text[start - 1])) && (end == text.Length || !IsWordChar(text[end]));

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
