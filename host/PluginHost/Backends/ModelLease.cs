namespace PluginHost.Backends;

/// <summary>A request's hold on a project's model.</summary>
public readonly struct ModelLease(ModelGeneration model) : IDisposable
{
    public ModelGeneration Generation { get; } = model;

    public void Dispose() => Generation.Release();
}
