namespace PluginHost.Backends;

/// <summary>A backend threw: a JSON 500 naming the backend and the exception (<c>"&lt;Exception&gt;: message"</c>).</summary>
public sealed class BackendCallException(string backend, Exception inner)
    : Exception($"{inner.GetType().Name}: {inner.Message}", inner)
{
    public string Backend { get; } = backend;
}
