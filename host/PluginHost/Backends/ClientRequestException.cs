namespace PluginHost.Backends;

/// <summary>The caller sent something a backend cannot work with (e.g. a broken label config): a 400, not our fault.</summary>
public sealed class ClientRequestException(string backend, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Backend { get; } = backend;
}
