namespace PluginHost.Backends;

/// <summary>Host services that every backend may take in its constructor (e.g. the task-data resolver).</summary>
public sealed class SharedBackendServices
{
    private readonly List<Type> _types = [];

    public IReadOnlyList<Type> Types => _types;

    public void Add(Type serviceType) => _types.Add(serviceType);
}
