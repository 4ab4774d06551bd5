namespace PluginHost.Training;

/// <summary>The annotation store cannot be used (e.g. MODEL_DIR is read-only): a host problem, not bad input.</summary>
public sealed class AnnotationStoreException(string message, Exception? inner = null) : Exception(message, inner);
