using System.Text.Json;
using System.Text.Json.Serialization;
using PluginHost.Plugins.Learning;

namespace PluginHost.Plugins.EmbeddingClassifier;

/// <summary>
/// A trained head: logistic regression on centred, scaled sentence embeddings. Single choice: one softmax over
/// <see cref="HeadMetadata.ModelLabels"/>; multiple choice: one sigmoid per label. Immutable, so thread-safe.
/// </summary>
public sealed class EmbeddingHead
{
    internal const string File = "head.json";

    internal EmbeddingHead(HeadMetadata metadata, HeadWeights weights)
    {
        Metadata = metadata;
        Weights = weights;
    }

    public HeadMetadata Metadata { get; }

    internal HeadWeights Weights { get; }

    /// <summary>Probabilities per <see cref="HeadMetadata.ModelLabels"/> for one embedding.</summary>
    public float[] Score(float[] embedding)
    {
        var w = Weights;
        if (w.Bias.Length == 0) return [];
        var x = Standardize(embedding, w.Mean, w.Scale);
        return LogisticRegression.Probabilities(Dense(x.Length), x, w.Weights, w.Bias, Metadata.Multiple);
    }

    internal static float[] Standardize(float[] embedding, float[] mean, float scale)
    {
        var row = new float[embedding.Length];
        for (var j = 0; j < row.Length; j++) row[j] = (embedding[j] - mean[j]) * scale;
        return row;
    }

    private static int[] Dense(int length)
    {
        var indices = _dense;
        if (indices.Length != length) _dense = indices = Enumerable.Range(0, length).ToArray();
        return indices;
    }

    private static int[] _dense = [];

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        System.IO.File.WriteAllBytes(Path.Combine(directory, File),
            JsonSerializer.SerializeToUtf8Bytes(new HeadFile(Metadata, Weights), HeadJson.Default.HeadFile));
    }

    public static EmbeddingHead Load(string directory)
    {
        var path = Path.Combine(directory, File);
        var file = JsonSerializer.Deserialize(System.IO.File.ReadAllBytes(path), HeadJson.Default.HeadFile)
            ?? throw new InvalidDataException($"{path} is empty.");
        var w = file.Weights;
        if (w.Weights.Length != w.Bias.Length * w.Mean.Length || w.Bias.Length != file.Metadata.ModelLabels.Count)
            throw new InvalidDataException($"{path} is inconsistent: {w.Bias.Length} biases, {w.Weights.Length} weights, {w.Mean.Length} dimensions, "
                + $"{file.Metadata.ModelLabels.Count} labels.");
        return new EmbeddingHead(file.Metadata, w);
    }
}

/// <summary>The head's numbers: feature centre and scale, weights (feature-major) and a bias per model label.</summary>
internal sealed record HeadWeights(float[] Mean, float Scale, float[] Weights, float[] Bias);

internal sealed record HeadFile(HeadMetadata Metadata, HeadWeights Weights);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HeadFile))]
internal sealed partial class HeadJson : JsonSerializerContext;
