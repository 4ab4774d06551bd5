using System.Text.Json;

namespace MyBackend;

/// <summary>
/// The "model" of this skeleton: how often each word appeared in texts of each label. Replace it with yours
/// (ML.NET, ONNX Runtime, ...); keep it immutable once loaded so every request can share it.
/// </summary>
public sealed class KeywordModel
{
    public const string FileName = "keywords.json";

    public KeywordModel(Dictionary<string, Dictionary<string, int>> wordCounts) => WordCounts = wordCounts;

    /// <summary>Label → word → count.</summary>
    public Dictionary<string, Dictionary<string, int>> WordCounts { get; }

    /// <summary>The untrained model: a label is predicted when its own name appears in the text.</summary>
    public static KeywordModel FromLabelNames(IEnumerable<string> labels) =>
        new(labels.ToDictionary(l => l, l => Words(l).ToDictionary(w => w, _ => 1)));

    public static KeywordModel Train(IEnumerable<(string Text, string Label)> examples)
    {
        var counts = new Dictionary<string, Dictionary<string, int>>();
        foreach (var (text, label) in examples)
        {
            if (!counts.TryGetValue(label, out var words)) counts[label] = words = [];
            foreach (var word in Words(text)) words[word] = words.GetValueOrDefault(word) + 1;
        }
        return new KeywordModel(counts);
    }

    /// <summary>The best label and a 0–1 score, or null when no known word occurs in the text.</summary>
    public (string Label, double Score)? Classify(string text)
    {
        var words = Words(text).ToList();
        var scores = WordCounts.ToDictionary(l => l.Key, l => words.Sum(w => (double)l.Value.GetValueOrDefault(w)) / Math.Max(1, l.Value.Values.Sum()));
        var total = scores.Values.Sum();
        if (total <= 0) return null;
        var best = scores.MaxBy(s => s.Value);
        return (best.Key, best.Value / total);
    }

    public async Task SaveAsync(string directory, CancellationToken cancellationToken)
    {
        await using var file = File.Create(Path.Combine(directory, FileName));
        await JsonSerializer.SerializeAsync(file, WordCounts, cancellationToken: cancellationToken);
    }

    public static async Task<KeywordModel> LoadAsync(string directory, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(Path.Combine(directory, FileName));
        var counts = await JsonSerializer.DeserializeAsync<Dictionary<string, Dictionary<string, int>>>(file, cancellationToken: cancellationToken);
        return new KeywordModel(counts ?? throw new InvalidDataException($"{FileName} in {directory} is empty."));
    }

    private static IEnumerable<string> Words(string text) =>
        text.Split((char[])[' ', '\t', '\n', '\r', '.', ',', ';', ':', '!', '?', '"', '(', ')'], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.ToLowerInvariant());
}
