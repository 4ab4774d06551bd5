using System.Globalization;
using PluginHost.Plugins.Ner.Text;

namespace PluginHost.Plugins.Ner.Features;

/// <summary>
/// Word statistics learned from the training texts and their annotations (<see cref="WordStats"/> per lowercase word),
/// saved with the model. It lets the tagger use what it saw elsewhere: that "roberts" was never written in lower case,
/// or that "chandler" was annotated as part of a name.
/// </summary>
public sealed class WordLexicon
{
    public static readonly WordLexicon Empty = new(new Dictionary<string, WordStats>(StringComparer.Ordinal));

    private readonly Dictionary<string, WordStats> _words;

    private WordLexicon(Dictionary<string, WordStats> words) => _words = words;

    public int Count => _words.Count;

    public WordStats this[string lowercaseWord] => _words.GetValueOrDefault(lowercaseWord);

    /// <summary>Counts every word of <paramref name="texts"/>; <c>InEntity[i]</c> says whether token i is inside an entity.</summary>
    public static WordLexicon Build(IEnumerable<(string Text, IReadOnlyList<Token> Tokens, IReadOnlyList<bool> InEntity)> texts)
    {
        var words = new Dictionary<string, WordStats>(StringComparer.Ordinal);
        foreach (var (text, tokens, inEntity) in texts)
            for (var i = 0; i < tokens.Count; i++)
            {
                if (!HasLetter(tokens[i].Text)) continue;
                var key = tokens[i].Text.ToLowerInvariant();
                words[key] = words.GetValueOrDefault(key) + Observe(text, tokens, i, inEntity[i]);
            }
        return new WordLexicon(words);
    }

    /// <summary>This lexicon without the counts of <paramref name="other"/> (which must be part of it); zero entries go.</summary>
    public WordLexicon Without(WordLexicon other)
    {
        var words = new Dictionary<string, WordStats>(_words, StringComparer.Ordinal);
        foreach (var (key, stats) in other._words)
        {
            var rest = words.GetValueOrDefault(key) - stats;
            if (rest.Total <= 0) words.Remove(key);
            else words[key] = rest;
        }
        return new WordLexicon(words);
    }

    /// <summary>One line per word, "word lower capital entity total" (tokens never contain spaces), sorted: for ner.json.</summary>
    public IReadOnlyList<string> ToLines() => _words
        .OrderBy(p => p.Key, StringComparer.Ordinal)
        .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value.LowerInside} {p.Value.CapitalInside} {p.Value.InEntity} {p.Value.Total}"))
        .ToList();

    public static WordLexicon FromLines(IReadOnlyList<string> lines)
    {
        var words = new Dictionary<string, WordStats>(lines.Count, StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var parts = line.Split(' ');
            if (parts.Length != 5)
                throw new InvalidDataException($"NER lexicon line '{line}' does not have the form 'word lower capital entity total'.");
            words[parts[0]] = new WordStats(Int(parts[1]), Int(parts[2]), Int(parts[3]), Int(parts[4]));
        }
        return new WordLexicon(words);
    }

    private static int Int(string value) => int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);

    private static WordStats Observe(string text, IReadOnlyList<Token> tokens, int i, bool inEntity)
    {
        var word = tokens[i].Text;
        var inside = !TokenFeaturizer.IsSentenceStart(text, tokens, i);
        var capital = char.IsUpper(word[0]);
        return new WordStats(inside && !capital && char.IsLower(word[0]) ? 1 : 0, inside && capital ? 1 : 0, inEntity ? 1 : 0, 1);
    }

    private static bool HasLetter(string word)
    {
        foreach (var c in word)
            if (char.IsLetter(c)) return true;
        return false;
    }
}
