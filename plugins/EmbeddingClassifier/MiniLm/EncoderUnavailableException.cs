namespace PluginHost.Plugins.EmbeddingClassifier.MiniLm;

/// <summary>The encoder's model or vocabulary is missing or unusable; the message says which and how to fix it.</summary>
public sealed class EncoderUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
