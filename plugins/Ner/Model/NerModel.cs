using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using PluginHost.Plugins.Ner.Features;
using PluginHost.Plugins.Ner.Tagging;
using PluginHost.Plugins.Ner.Text;

namespace PluginHost.Plugins.Ner.Model;

/// <summary>An entity found in a text: exact character offsets, the model's label and a 0–1 score.</summary>
public sealed record EntityPrediction(int Start, int End, string Text, string Label, double Score);

/// <summary>How tags are chosen from the classifier's per-token probabilities.</summary>
public enum DecodeMode
{
    /// <summary>Best valid sequence (the default).</summary>
    Viterbi,

    /// <summary>Each token's most likely tag, valid or not: kept only to measure what Viterbi buys.</summary>
    Greedy,
}

/// <summary>
/// A trained tagger: the ML.NET pipeline (feature dictionary + multiclass classifier) plus the tag set and the
/// transitions used to decode. Immutable and safe to share: <see cref="ITransformer.Transform"/> builds fresh cursors
/// per call, unlike a <c>PredictionEngine</c>.
/// </summary>
public sealed class NerModel
{
    public const string PipelineFile = "model.zip";
    public const string MetadataFile = "ner.json";

    private readonly MLContext _ml;
    private readonly ITransformer _pipeline;
    private readonly ViterbiDecoder _decoder;

    internal NerModel(MLContext ml, ITransformer pipeline, NerModelMetadata metadata)
    {
        if (metadata.Format != NerModelMetadata.CurrentFormat)
            throw new InvalidDataException($"NER model format {metadata.Format} is not supported (expected {NerModelMetadata.CurrentFormat}); retrain the model.");
        if (metadata.FeatureVersion != TokenFeaturizer.Version)
            throw new InvalidDataException($"NER model was trained with feature version {metadata.FeatureVersion}, this code computes version {TokenFeaturizer.Version}; retrain the model.");
        _ml = ml;
        _pipeline = pipeline;
        Metadata = metadata;
        Tags = new TagSet(metadata.Labels, metadata.Scheme);
        if (metadata.StartLog.Length != Tags.Count || metadata.TransitionLog.Length != Tags.Count * Tags.Count)
            throw new InvalidDataException($"NER model metadata has transitions for a different tag count than its {Tags.Count} tags.");
        _decoder = new ViterbiDecoder(Tags, new TransitionTable(metadata.StartLog, metadata.TransitionLog), metadata.TransitionWeight);
        Lexicon = WordLexicon.FromLines(metadata.Lexicon);
    }

    /// <summary>The word statistics of the training texts that the features look up.</summary>
    public WordLexicon Lexicon { get; }

    public NerModelMetadata Metadata { get; }

    public TagSet Tags { get; }

    /// <summary>The labels the model can emit (the config labels it was trained with).</summary>
    public IReadOnlyList<string> Labels => Metadata.Labels;

    internal ITransformer Pipeline => _pipeline;

    internal MLContext Context => _ml;

    /// <summary>
    /// Finds the entities of many texts. Texts are scored in chunks of about <see cref="ChunkTokens"/> tokens, each chunk
    /// one ML.NET pass (one data view for all its tokens): big enough to amortise the per-pass cost, small enough that
    /// the feature strings die young instead of being promoted by the GC (a whole 400-task batch in one pass was
    /// measured several times slower per token).
    /// Labels outside <paramref name="allowedLabels"/> (when given) are not emitted. Decoding still sees their tags and the
    /// spans are dropped afterwards: masking them out of decoding instead relabels e.g. every place as the next-best label.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<EntityPrediction>> Predict(IReadOnlyList<string> texts, IReadOnlySet<string>? allowedLabels = null,
        DecodeMode mode = DecodeMode.Viterbi, CancellationToken cancellationToken = default)
    {
        var results = new IReadOnlyList<EntityPrediction>[texts.Count];
        var tokens = new List<Token>[texts.Count];
        var chunkStart = 0;
        var chunkTokens = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            tokens[i] = Tokenizer.Tokenize(texts[i] ?? "");
            chunkTokens += tokens[i].Count;
            if (chunkTokens < ChunkTokens && i < texts.Count - 1) continue;
            var features = new string[i + 1 - chunkStart][][];
            for (var j = chunkStart; j <= i; j++) features[j - chunkStart] = TokenFeaturizer.Featurize(texts[j] ?? "", tokens[j], Lexicon);
            var logProbabilities = Score(features, cancellationToken);
            for (var j = chunkStart; j <= i; j++)
            {
                results[j] = Decode(texts[j] ?? "", tokens[j], logProbabilities[j - chunkStart], allowedLabels, mode);
                tokens[j] = null!;
            }
            chunkStart = i + 1;
            chunkTokens = 0;
        }
        return results;
    }

    /// <summary>Tokens scored per ML.NET pass (see <see cref="Predict"/>).</summary>
    internal const int ChunkTokens = 2048;

    /// <summary>Runs the classifier over every token of the batch: per text, <c>n × K</c> log-probabilities.</summary>
    internal float[][] Score(string[][][] featuresPerText, CancellationToken cancellationToken)
    {
        var k = Tags.Count;
        var output = new float[featuresPerText.Length][];
        for (var i = 0; i < output.Length; i++) output[i] = new float[featuresPerText[i].Length * k];
        var totalTokens = output.Sum(o => o.Length);
        if (totalTokens == 0) return output;

        var rows = featuresPerText.SelectMany(text => text.Select(f => new TokenFeatures { Features = f }));
        var scored = _pipeline.Transform(_ml.Data.LoadFromEnumerable(rows));
        using var cursor = scored.GetRowCursor([scored.Schema["Score"]]);
        var getter = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
        var buffer = default(VBuffer<float>);
        var textIndex = 0;
        var offset = 0;
        while (cursor.MoveNext())
        {
            while (offset == output[textIndex].Length)
            {
                textIndex++;
                offset = 0;
            }
            if ((offset & 4095) == 0) cancellationToken.ThrowIfCancellationRequested();
            getter(ref buffer);
            if (buffer.Length != k)
                throw new InvalidDataException($"The NER classifier scored {buffer.Length} tags but the model has {k}; the model files do not match.");
            var target = output[textIndex].AsSpan(offset, k);
            var values = buffer.DenseValues().GetEnumerator();
            for (var tag = 0; tag < k && values.MoveNext(); tag++)
                target[tag] = MathF.Log(Math.Max(values.Current, 1e-7f));
            offset += k;
        }
        return output;
    }

    internal IReadOnlyList<EntityPrediction> Decode(string text, IReadOnlyList<Token> tokens, float[] logProbabilities, IReadOnlySet<string>? allowedLabels, DecodeMode mode)
    {
        var n = tokens.Count;
        if (n == 0) return [];
        var tags = mode == DecodeMode.Viterbi
            ? _decoder.Decode(logProbabilities, n)
            : ViterbiDecoder.Greedy(logProbabilities, n, Tags.Count);
        var entities = new List<EntityPrediction>();
        foreach (var span in Tags.Decode(tags))
        {
            var label = Tags.Labels[span.Label];
            if (allowedLabels is not null && !allowedLabels.Contains(label)) continue;
            double probability = 0;
            for (var t = span.Start; t < span.End; t++) probability += MathF.Exp(logProbabilities[t * Tags.Count + tags[t]]);
            var start = tokens[span.Start].Start;
            var end = tokens[span.End - 1].End;
            entities.Add(new EntityPrediction(start, end, text[start..end], label, Math.Round(probability / span.Length, 4)));
        }
        return entities;
    }

    /// <summary>Writes <see cref="PipelineFile"/> and <see cref="MetadataFile"/>, each through a temporary file and a rename.</summary>
    public void Save(string directory, DataViewSchema inputSchema)
    {
        Directory.CreateDirectory(directory);
        WriteAtomically(Path.Combine(directory, PipelineFile), stream => _ml.Model.Save(_pipeline, inputSchema, stream));
        WriteAtomically(Path.Combine(directory, MetadataFile), stream => JsonSerializer.Serialize(stream, Metadata, NerModelJson.Default.NerModelMetadata));
    }

    public static NerModel Load(string directory)
    {
        var pipelinePath = Path.Combine(directory, PipelineFile);
        var metadataPath = Path.Combine(directory, MetadataFile);
        if (!File.Exists(pipelinePath) || !File.Exists(metadataPath))
            throw new FileNotFoundException($"'{directory}' is not a NER model folder: it needs {PipelineFile} and {MetadataFile}.");
        NerModelMetadata metadata;
        using (var stream = File.OpenRead(metadataPath))
            metadata = JsonSerializer.Deserialize(stream, NerModelJson.Default.NerModelMetadata)
                ?? throw new InvalidDataException($"{metadataPath} is empty.");
        var ml = new MLContext();
        ITransformer pipeline;
        using (var stream = File.OpenRead(pipelinePath))
            pipeline = ml.Model.Load(stream, out _);
        return new NerModel(ml, pipeline, metadata);
    }

    private static void WriteAtomically(string path, Action<Stream> write)
    {
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary)) write(stream);
        File.Move(temporary, path, overwrite: true);
    }
}
