namespace PluginHost.Training;

/// <summary>A version could not be activated (it did not load or failed its warm-up); the previous one stays active (a 409).</summary>
public sealed class ModelActivationException(string backend, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Backend { get; } = backend;
}
