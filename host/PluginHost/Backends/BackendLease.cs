using PluginHost.Sdk.Backends;

namespace PluginHost.Backends;

/// <summary>A request's hold on a generation; dispose to release it.</summary>
public readonly struct BackendLease(BackendGeneration generation) : IDisposable
{
    public BackendGeneration Generation { get; } = generation;

    public ILabelStudioBackend Backend => Generation.Backend;

    public void Dispose() => Generation.Release();
}
