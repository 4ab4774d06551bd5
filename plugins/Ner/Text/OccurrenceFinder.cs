using System.Text;

namespace PluginHost.Plugins.Ner.Text;

/// <summary>
/// Finds every occurrence of a phrase in a text, ignoring case and differences in whitespace, as whole words only
/// ("Apple" matches "APPLE" and "apple" but not "Applebee's"; "New York" matches "new\n  york"). Offsets are into the
/// original text.
/// </summary>
public static class OccurrenceFinder
{
    public static List<(int Start, int End)> Find(string text, string phrase)
    {
        var matches = new List<(int, int)>();
        var (needle, _) = Normalise(phrase);
        needle = needle.Trim();
        if (needle.Length == 0) return matches;
        var (haystack, map) = Normalise(text);
        var from = 0;
        while (from <= haystack.Length - needle.Length)
        {
            var found = haystack.IndexOf(needle, from, StringComparison.Ordinal);
            if (found < 0) break;
            var start = map[found];
            var end = map[found + needle.Length - 1] + 1;
            if (char.IsSurrogate(text[end - 1]) && end < text.Length && char.IsLowSurrogate(text[end])) end++;
            if (IsWordBoundary(text, start, before: true) && IsWordBoundary(text, end, before: false)) matches.Add((start, end));
            from = found + 1;
        }
        return matches;
    }

    /// <summary>Lower-cases and collapses whitespace runs to one space, remembering where each kept char came from.</summary>
    private static (string Normalised, int[] Map) Normalise(string text)
    {
        var builder = new StringBuilder(text.Length);
        var map = new int[text.Length];
        var inSpace = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inSpace) continue;
                inSpace = true;
                c = ' ';
            }
            else
            {
                inSpace = false;
                c = char.ToLowerInvariant(c);
            }
            map[builder.Length] = i;
            builder.Append(c);
        }
        return (builder.ToString(), map);
    }

    /// <summary>True when the match edge at <paramref name="index"/> does not split a word.</summary>
    private static bool IsWordBoundary(string text, int index, bool before)
    {
        if (before)
        {
            if (index == 0 || !Tokenizer.IsWordChar(text, index)) return true;
            var previous = char.IsLowSurrogate(text[index - 1]) && index >= 2 ? index - 2 : index - 1;
            return !Tokenizer.IsWordChar(text, previous);
        }
        if (index >= text.Length) return true;
        var last = char.IsLowSurrogate(text[index - 1]) && index >= 2 ? index - 2 : index - 1;
        return !Tokenizer.IsWordChar(text, last) || !Tokenizer.IsWordChar(text, index);
    }
}
