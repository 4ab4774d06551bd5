namespace PluginHost.Plugins.Segmentation;

/// <summary>A model file or setting is unusable; the message says which, why, and what was expected.</summary>
public sealed class ModelConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
