namespace PluginHost.Isolation;

/// <summary>Marks the endpoints that belong to one backend (<c>/&lt;backend&gt;/…</c> and the default backend's bare
/// routes), as opposed to the host's own (<c>/health</c>, <c>/ui</c>…): the ones forwarded when the backend is isolated.</summary>
public sealed class BackendRouteMetadata
{
    public static readonly BackendRouteMetadata Instance = new();

    private BackendRouteMetadata()
    {
    }
}
