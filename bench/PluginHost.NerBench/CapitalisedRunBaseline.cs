using PluginHost.Plugins.Ner.Features;
using PluginHost.Plugins.Ner.Text;
using PluginHost.Plugins.Ner.Training;

namespace PluginHost.NerBench;

/// <summary>
/// The no-learning baseline: every run of capitalised words (<see cref="CapitalisedRuns"/>: "St. Louis", "Mr. H. Smith")
/// is a name, except a text's first word standing alone ("The jury …" no, "Mr. Smith …" yes).
/// </summary>
internal static class CapitalisedRunBaseline
{
    public static IReadOnlyList<CharSpan> Find(string text, string label)
    {
        var tokens = Tokenizer.Tokenize(text);
        var positions = CapitalisedRuns.Positions(tokens);
        var spans = new List<CharSpan>();
        var start = -1;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (positions[i] is not { } position) continue;
            if (position.EndsWith('B') || position.EndsWith('S')) start = i;
            if (!position.EndsWith('L') && !position.EndsWith('S')) continue;
            if (start > 0 || i > start) spans.Add(new CharSpan(tokens[start].Start, tokens[i].End, label));
        }
        return spans;
    }
}
