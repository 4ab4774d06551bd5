namespace PluginHost.Plugins.OnnxDetector;

/// <summary>The detector's settings or model are unusable; the message says which and why.</summary>
public sealed class DetectorConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
