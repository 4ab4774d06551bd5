using PluginHost.Sdk.Backends;

namespace PluginHost.Projects;

/// <summary>
/// What a backend sees as <c>context.State</c> during one call: reads from the snapshot the call started with (plus its
/// own writes), writes through to the <see cref="IProjectStore"/>.
/// </summary>
internal sealed class ProjectStateView(IProjectStore store, ProjectSnapshot snapshot) : IProjectState
{
    private volatile ProjectSnapshot _snapshot = snapshot;

    public string? Get(string key) => _snapshot.Get(key);

    public async ValueTask SetAsync(string key, string value, CancellationToken cancellationToken) =>
        _snapshot = await store.SetAsync(_snapshot.Key, key, value, cancellationToken).ConfigureAwait(false);
}
