using System.Text.Json;
using System.Text.Json.Serialization;

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
    public float[] Score(ReadOnlySpan<float> embedding)
    {
        var w = Weights;
        var k = w.Bias.Length;
        var logits = new double[k];
        for (var c = 0; c < k; c++)
        {
            var row = w.Weights[c];
            var z = (double)w.Bias[c];
            for (var d = 0; d < row.Length; d++) z += row[d] * (embedding[d] - w.Mean[d]) * w.Scale;
            logits[c] = z;
        }
        var probabilities = new float[k];
        if (Metadata.Multiple)
        {
            for (var c = 0; c < k; c++) probabilities[c] = (float)(1 / (1 + Math.Exp(-logits[c])));
            return probabilities;
        }
        var max = logits.Length == 0 ? 0 : logits.Max();
        var sum = 0.0;
        for (var c = 0; c < k; c++) sum += logits[c] = Math.Exp(logits[c] - max);
        for (var c = 0; c < k; c++) probabilities[c] = (float)(logits[c] / sum);
        return probabilities;
    }

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
        if (w.Weights.Length != w.Bias.Length || w.Weights.Any(r => r.Length != w.Mean.Length) || w.Bias.Length != file.Metadata.ModelLabels.Count)
            throw new InvalidDataException($"{path} is inconsistent: {w.Bias.Length} biases, {w.Weights.Length} weight rows, {file.Metadata.ModelLabels.Count} labels.");
        return new EmbeddingHead(file.Metadata, w);
    }
}

/// <summary>The head's numbers: feature centre and scale, one weight row and bias per model label.</summary>
internal sealed record HeadWeights(float[] Mean, float Scale, float[][] Weights, float[] Bias);

internal sealed record HeadFile(HeadMetadata Metadata, HeadWeights Weights);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HeadFile))]
internal sealed partial class HeadJson : JsonSerializerContext;
