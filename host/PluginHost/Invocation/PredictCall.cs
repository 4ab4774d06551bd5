using PluginHost.Backends;
using PluginHost.Sdk.Backends;

namespace PluginHost.Invocation;

/// <summary>One prediction on its way through the <see cref="PredictInvoker"/>'s steps.</summary>
public sealed class PredictCall(BackendGeneration generation, PredictContext context, PredictPurpose purpose)
{
    /// <summary>The backend code answering; the caller holds a lease on it for the whole call.</summary>
    public BackendGeneration Generation { get; } = generation;

    public string Backend => Generation.Name;

    public PredictContext Context { get; } = context;

    public PredictPurpose Purpose { get; } = purpose;
}
