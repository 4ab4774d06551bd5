namespace PluginHost.Backends;

/// <summary>A backend answered something the protocol does not allow (e.g. not one prediction per task): a 500.</summary>
public sealed class BackendContractException(string backend, string message) : Exception(message)
{
    public string Backend { get; } = backend;
}
