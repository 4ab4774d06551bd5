using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.PaddleOcr;

/// <summary>The PP-OCR weights or settings are unusable; the message says what and how to fix it (the host answers 503).</summary>
public sealed class PpOcrUnavailableException(string message, Exception? inner = null) : BackendException(503, message, inner);
