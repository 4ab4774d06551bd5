namespace PluginHost.Backends;

/// <summary>Something the caller named does not exist (a version, a job, a trained project): a 404.</summary>
public sealed class ResourceNotFoundException(string backend, string message) : Exception(message)
{
    public string Backend { get; } = backend;
}
