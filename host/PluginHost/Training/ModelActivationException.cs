namespace PluginHost.Training;

/// <summary>A version could not be activated (it did not load or failed its warm-up); the previous one stays active.</summary>
public sealed class ModelActivationException(string message, Exception? inner = null) : Exception(message, inner);
