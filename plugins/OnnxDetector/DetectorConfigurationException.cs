using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>The detector's settings or model are unusable; the message says which and why (the host answers 503).</summary>
public sealed class DetectorConfigurationException(string message, Exception? inner = null) : BackendException(503, message, inner);
