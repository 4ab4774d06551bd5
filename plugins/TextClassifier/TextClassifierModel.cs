using System.Text.Json;
using PluginHost.Plugins.Learning;

namespace PluginHost.Plugins.TextClassifier;

/// <summary>
/// A loaded classifier version: the n-gram hash of each weight column, the weights (feature-major) and biases.
/// Immutable, so thread-safe; scoring a text is featurizing it and summing the weights of its known n-grams.
/// </summary>
public sealed class TextClassifierModel
{
    internal const string WeightsFile = "weights.bin";
    internal const string MetadataFile = "classifier.json";
    private const int FormatVersion = 1;

    private readonly Dictionary<uint, int> _columns;
    private readonly uint[] _hashes;
    private readonly float[] _weights;
    private readonly float[] _bias;

    internal TextClassifierModel(ClassifierMetadata metadata, uint[] hashes, float[] weights, float[] bias)
    {
        Metadata = metadata;
        _hashes = hashes;
        _weights = weights;
        _bias = bias;
        _columns = new Dictionary<uint, int>(hashes.Length);
        for (var c = 0; c < hashes.Length; c++) _columns[hashes[c]] = c;
    }

    public ClassifierMetadata Metadata { get; }

    /// <summary>Probabilities per <see cref="ClassifierMetadata.ModelLabels"/> for each text.</summary>
    public float[][] Score(IReadOnlyList<string> texts)
    {
        var results = new float[texts.Count][];
        for (var i = 0; i < texts.Count; i++) results[i] = Score(texts[i]);
        return results;
    }

    public float[] Score(string text)
    {
        if (_bias.Length == 0) return [];
        var (hashes, values) = NgramFeatures.Of(text, Metadata.WordNgrams, Metadata.CharNgrams, Metadata.MaxTextLength);
        var indices = new int[hashes.Length];
        for (var f = 0; f < hashes.Length; f++) indices[f] = _columns.GetValueOrDefault(hashes[f], -1);
        return LogisticRegression.Probabilities(indices, values, _weights, _bias, Metadata.Multiple);
    }

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        using (var writer = new BinaryWriter(File.Create(Path.Combine(directory, WeightsFile))))
        {
            writer.Write(FormatVersion);
            writer.Write(_hashes.Length);
            writer.Write(_bias.Length);
            foreach (var hash in _hashes) writer.Write(hash);
            foreach (var w in _weights) writer.Write(w);
            foreach (var b in _bias) writer.Write(b);
        }
        File.WriteAllBytes(Path.Combine(directory, MetadataFile), JsonSerializer.SerializeToUtf8Bytes(Metadata, ClassifierJson.Default.ClassifierMetadata));
    }

    public static TextClassifierModel Load(string directory)
    {
        var metadataPath = Path.Combine(directory, MetadataFile);
        var metadata = JsonSerializer.Deserialize(File.ReadAllBytes(metadataPath), ClassifierJson.Default.ClassifierMetadata)
            ?? throw new InvalidDataException($"{metadataPath} is empty.");
        var weightsPath = Path.Combine(directory, WeightsFile);
        if (!File.Exists(weightsPath) && File.Exists(Path.Combine(directory, "model.zip")))
            throw new InvalidDataException($"{directory} was trained by textclassifier 1.x (ML.NET); this version cannot read it: retrain.");
        using var reader = new BinaryReader(File.OpenRead(weightsPath));
        var version = reader.ReadInt32();
        if (version != FormatVersion) throw new InvalidDataException($"{weightsPath} has format {version}; this plugin reads format {FormatVersion}: retrain.");
        var columns = reader.ReadInt32();
        var classes = reader.ReadInt32();
        if (classes != metadata.ModelLabels.Count)
            throw new InvalidDataException($"{weightsPath} has {classes} classes but {metadataPath} names {metadata.ModelLabels.Count} labels.");
        var hashes = new uint[columns];
        for (var c = 0; c < columns; c++) hashes[c] = reader.ReadUInt32();
        var weights = new float[columns * classes];
        for (var j = 0; j < weights.Length; j++) weights[j] = reader.ReadSingle();
        var bias = new float[classes];
        for (var k = 0; k < classes; k++) bias[k] = reader.ReadSingle();
        return new TextClassifierModel(metadata, hashes, weights, bias);
    }
}
