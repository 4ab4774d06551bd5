namespace PluginHost.Sdk.Backends;

/// <summary>
/// Thrown by a backend that cannot serve the request for a reason on its side, not the client's: its model file is
/// missing, or does not have the layout the task needs. The host answers <c>503</c> with the message, which should say
/// what is wrong and how to fix it (a <see cref="BackendException"/> with 503); other exceptions from a backend are a <c>500</c>.
/// </summary>
public class BackendUnavailableException(string message, Exception? inner = null) : BackendException(503, message, inner);
