using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace PluginHost.Plugins.EmbeddingClassifier.MiniLm;

/// <summary>How texts are cut and batched for the encoder.</summary>
internal sealed record EncoderOptions(int MaxSequenceLength = 256, int MaxChunks = 4, int BatchSize = 32, int IntraOpThreads = 0, int MaxConcurrentRuns = 1);

/// <summary>
/// Sentence embeddings: word pieces → chunks of at most <see cref="EncoderOptions.MaxSequenceLength"/> tokens
/// (long texts are cut into several, up to <see cref="EncoderOptions.MaxChunks"/>) → the transformer in batches sorted
/// by length (a batch is padded to its longest chunk) → mean of the token vectors under the attention mask → L2 norm;
/// a text's vector is the token-weighted mean of its chunks' vectors, normalised again. Thread-safe.
/// </summary>
internal sealed class SentenceEncoder
{
    private readonly InferenceSession _session;
    private readonly WordPieceTokenizer _tokenizer;
    private readonly EncoderOptions _options;
    private readonly SemaphoreSlim _runs;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string _outputName;
    private readonly bool _tokenTypes;

    private SentenceEncoder(InferenceSession session, WordPieceTokenizer tokenizer, EncoderOptions options, string identity)
    {
        _session = session;
        _tokenizer = tokenizer;
        _options = options;
        _runs = new SemaphoreSlim(Math.Max(1, options.MaxConcurrentRuns));
        Identity = identity;
        var inputs = session.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        if (!inputs.Contains("input_ids") || !inputs.Contains("attention_mask"))
            throw new EncoderUnavailableException($"The encoder model has inputs [{string.Join(", ", inputs)}]; a BERT-style encoder has input_ids and attention_mask.");
        _tokenTypes = inputs.Contains("token_type_ids");
        _inputNames = _tokenTypes ? ["input_ids", "attention_mask", "token_type_ids"] : ["input_ids", "attention_mask"];
        var (outputName, output) = session.OutputMetadata.FirstOrDefault(o => o.Value.Dimensions.Length == 3);
        if (outputName is null)
            throw new EncoderUnavailableException("The encoder model has no [batch, tokens, dimensions] output (last_hidden_state).");
        _outputName = outputName;
        Dimensions = output.Dimensions[2] > 0 ? output.Dimensions[2] : 384;
    }

    public int Dimensions { get; }

    /// <summary>The model a trained head belongs to.</summary>
    public string Identity { get; }

    public static SentenceEncoder Load(ModelSource source, EncoderOptions options)
    {
        var session = SharedSessions.Get(source, options.IntraOpThreads);
        WordPieceTokenizer tokenizer;
        using (var vocabulary = source.OpenVocabulary()) tokenizer = WordPieceTokenizer.Load(vocabulary);
        return new SentenceEncoder(session, tokenizer, options, source.Identity);
    }

    /// <summary>One L2-normalised vector per text, in order.</summary>
    public async Task<float[][]> EncodeAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var chunks = Chunk(texts);
        var vectors = new float[texts.Count][];
        for (var i = 0; i < vectors.Length; i++) vectors[i] = new float[Dimensions];
        // Longest first, so each batch pads little.
        chunks.Sort((a, b) => b.Ids.Length.CompareTo(a.Ids.Length));
        foreach (var batch in chunks.Chunk(Math.Max(1, _options.BatchSize)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await _runs.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                RunBatch(batch, vectors);
            }
            finally
            {
                _runs.Release();
            }
        }
        foreach (var vector in vectors) Normalize(vector);
        return vectors;
    }

    private List<TokenChunk> Chunk(IReadOnlyList<string> texts)
    {
        var perChunk = Math.Max(1, _options.MaxSequenceLength - 2);
        var maxIds = perChunk * Math.Max(1, _options.MaxChunks);
        var chunks = new List<TokenChunk>(texts.Count);
        for (var t = 0; t < texts.Count; t++)
        {
            var ids = _tokenizer.Encode(texts[t] ?? "", maxIds);
            var count = Math.Max(1, (ids.Count + perChunk - 1) / perChunk);
            for (var c = 0; c < count; c++)
            {
                var start = c * perChunk;
                var length = Math.Min(perChunk, ids.Count - start);
                var chunk = new int[Math.Max(0, length) + 2];
                chunk[0] = _tokenizer.ClsId;
                for (var i = 0; i < length; i++) chunk[i + 1] = ids[start + i];
                chunk[^1] = _tokenizer.SepId;
                chunks.Add(new TokenChunk(t, chunk));
            }
        }
        return chunks;
    }

    private void RunBatch(TokenChunk[] batch, float[][] vectors)
    {
        var rows = batch.Length;
        var width = batch.Max(c => c.Ids.Length);
        var ids = new long[rows * width];
        var mask = new long[rows * width];
        for (var r = 0; r < rows; r++)
        {
            var chunk = batch[r].Ids;
            for (var i = 0; i < width; i++)
            {
                ids[r * width + i] = i < chunk.Length ? chunk[i] : _tokenizer.PadId;
                mask[r * width + i] = i < chunk.Length ? 1 : 0;
            }
        }
        long[] shape = [rows, width];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = _tokenTypes ? OrtValue.CreateTensorValueFromMemory(new long[rows * width], shape) : null;
        OrtValue[] inputs = _tokenTypes ? [idsValue, maskValue, typesValue!] : [idsValue, maskValue];
        using var outputs = _session.Run(_runOptions, _inputNames, inputs, [_outputName]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var dims = Dimensions;
        for (var r = 0; r < rows; r++)
        {
            var tokens = batch[r].Ids.Length;
            var pooled = new float[dims];
            for (var i = 0; i < tokens; i++)
                TensorPrimitives.Add(pooled, hidden.Slice((r * width + i) * dims, dims), pooled);
            Normalize(pooled);
            // Chunk vectors are weighted by their length: a short tail chunk counts less than a full one.
            TensorPrimitives.MultiplyAdd(pooled, tokens, vectors[batch[r].Text], vectors[batch[r].Text]);
        }
    }

    internal static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0) TensorPrimitives.Divide(vector, norm, vector);
    }

    private sealed record TokenChunk(int Text, int[] Ids);
}
