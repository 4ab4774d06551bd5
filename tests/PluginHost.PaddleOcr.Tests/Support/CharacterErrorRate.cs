namespace PluginHost.PaddleOcr.Tests.Support;

/// <summary>Character error rate: the edit distance (insertions, deletions, substitutions) from the read text to the
/// truth, over the truth's length; whitespace runs count as one space and the ends are trimmed. <c>ignoringSpaces</c>
/// measures the characters alone (the Chinese-trained PP-OCRv4 recogniser sometimes drops the space between English words).</summary>
public static class CharacterErrorRate
{
    public static double Of(string truth, string read, bool ignoringSpaces = false)
    {
        var (t, r) = ignoringSpaces ? (Strip(truth), Strip(read)) : (Normalize(truth), Normalize(read));
        if (t.Length == 0) return r.Length == 0 ? 0 : 1;
        var previous = Enumerable.Range(0, r.Length + 1).ToArray();
        var current = new int[r.Length + 1];
        for (var i = 1; i <= t.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= r.Length; j++)
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (t[i - 1] == r[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return (double)previous[r.Length] / t.Length;
    }

    private static string Strip(string s) => string.Concat(s.Where(c => !char.IsWhiteSpace(c)));

    private static string Normalize(string s) => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
