using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.EmbeddingClassifier;

/// <summary><c>Backends:&lt;route&gt;:Settings</c> of an <c>embeddingclassifier</c> backend.</summary>
[BackendSettings]
public sealed class EmbeddingClassifierSettings
{
    /// <summary>The encoder: empty for the bundled all-MiniLM-L6-v2, else a BERT-style <c>.onnx</c> file (absolute, or
    /// relative to MODEL_DIR, then to the plugin folder) with a <c>vocab.txt</c> next to it.</summary>
    public string? ModelPath { get; set; }

    /// <summary>The WordPiece vocabulary of a custom <see cref="ModelPath"/>; default: <c>vocab.txt</c> beside it.</summary>
    public string? VocabularyPath { get; set; }

    /// <summary>Tokens per chunk, [CLS] and [SEP] included (all-MiniLM-L6-v2 was trained on 256).</summary>
    public int MaxSequenceLength { get; set; } = 256;

    /// <summary>A long text is cut into at most this many chunks (the rest is not read); their vectors are averaged.</summary>
    public int MaxChunks { get; set; } = 4;

    /// <summary>Chunks that go through the model together.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>ONNX Runtime threads per batch; 0 lets ONNX Runtime choose (one per core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Batches run at once; 1 keeps concurrent requests from oversubscribing the cores (each batch uses them all).</summary>
    public int MaxConcurrentRuns { get; set; } = 1;

    /// <summary>Embeddings kept in memory, by text (each 1.5 KB); 0 disables the cache.</summary>
    public int CacheEntries { get; set; } = 20_000;

    /// <summary>Inverse L2 strength of the logistic-regression head (scikit-learn's <c>C</c>); chosen by measurement.</summary>
    public double InverseRegularization { get; set; } = 10;

    /// <summary>Multiple choice: a label is predicted when its probability reaches this (or the control's <c>model_score_threshold</c>).</summary>
    public double Threshold { get; set; } = 0.5;
}
