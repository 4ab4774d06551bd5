using PluginHost.Plugins.EmbeddingClassifier.MiniLm;

namespace PluginHost.Embedding.Tests;

/// <summary>The all-MiniLM-L6-v2 files the plugin build copies beside its assembly (loaded once per test process).</summary>
internal static class BundledModel
{
    public static ModelSource Source { get; } = new(Path.Combine(AppContext.BaseDirectory, ModelSource.BundledFile), null);

    // After Source: static initializers run in order.
    private static readonly Lazy<SentenceEncoder> LazyEncoder = new(() => SentenceEncoder.Load(Source, new EncoderOptions()));

    public static SentenceEncoder Encoder => LazyEncoder.Value;

    public static WordPieceTokenizer Tokenizer { get; } = LoadTokenizer();

    private static WordPieceTokenizer LoadTokenizer()
    {
        using var vocabulary = Source.OpenVocabulary();
        return WordPieceTokenizer.Load(vocabulary);
    }
}
