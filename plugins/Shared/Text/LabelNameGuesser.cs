using System.Globalization;

namespace PluginHost.Plugins.Text;

/// <summary>
/// The cold start before the first training, like the Python example that fits on the label names themselves: a
/// label whose name occurs in the text (as a whole word, any case) is guessed, with a modest score. No occurrence,
/// no guess (an empty prediction), never an error.
/// </summary>
public static class LabelNameGuesser
{
    public const double Score = 0.3;

    public static IReadOnlyList<string> Guess(string text, IReadOnlyList<string> labels, bool multiple)
    {
        var found = new List<(string Label, int Position)>();
        foreach (var label in labels)
        {
            var position = FindWord(text, label);
            if (position >= 0) found.Add((label, position));
        }
        if (found.Count == 0) return [];
        return multiple ? found.Select(f => f.Label).ToList() : [found.MinBy(f => f.Position).Label];
    }

    private static int FindWord(string text, string word)
    {
        if (word.Length == 0) return -1;
        var compare = CultureInfo.InvariantCulture.CompareInfo;
        for (var start = 0; start <= text.Length - word.Length;)
        {
            var at = compare.IndexOf(text, word, start, CompareOptions.IgnoreCase);
            if (at < 0) return -1;
            var end = at + word.Length;
            var before = at == 0 || !char.IsLetterOrDigit(text[at - 1]);
            var after = end == text.Length || !char.IsLetterOrDigit(text[end]);
            if (before && after) return at;
            start = at + 1;
        }
        return -1;
    }
}
