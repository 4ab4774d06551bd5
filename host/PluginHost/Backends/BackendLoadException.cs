namespace PluginHost.Backends;

/// <summary>A plugin or script that cannot become a backend; the message says why.</summary>
public sealed class BackendLoadException(string message, Exception? inner = null) : Exception(message, inner);
