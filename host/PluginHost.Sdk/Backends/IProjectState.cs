namespace PluginHost.Sdk.Backends;

/// <summary>Per-project state (the Python SDK's <c>get</c>/<c>set</c>/<c>has</c>). Thread-safe.</summary>
public interface IProjectState
{
    string? Get(string key);

    bool Has(string key) => Get(key) is not null;

    ValueTask SetAsync(string key, string value, CancellationToken cancellationToken);
}
