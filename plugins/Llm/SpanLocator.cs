namespace PluginHost.Plugins.Llm;

/// <summary>
/// Finds the passages a model quoted in the text they came from, with exact character offsets. The n-th mention of the
/// same passage is its n-th occurrence (models list entities in order); an exact match is preferred, a match that
/// differs only in case is accepted (the offsets and text are the source's); a passage not in the text is dropped.
/// </summary>
internal sealed class SpanLocator(string text)
{
    private readonly Dictionary<string, int> _nextStart = new(StringComparer.Ordinal);

    /// <summary>The <c>[start, end)</c> of the passage's next occurrence, or null when the text has no (further) one.</summary>
    public (int Start, int End)? Locate(string passage)
    {
        if (string.IsNullOrWhiteSpace(passage)) return null;
        var quoted = passage.Trim();
        var key = quoted.ToLowerInvariant();
        var from = _nextStart.GetValueOrDefault(key);
        var at = from <= text.Length ? text.IndexOf(quoted, from, StringComparison.Ordinal) : -1;
        if (at < 0 && from <= text.Length) at = text.IndexOf(quoted, from, StringComparison.OrdinalIgnoreCase);
        if (at < 0) return null;
        _nextStart[key] = at + quoted.Length;
        return (at, at + quoted.Length);
    }
}
