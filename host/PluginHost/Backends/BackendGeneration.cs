using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Training;

namespace PluginHost.Backends;

/// <summary>
/// One loaded version of a backend's code: the instance, the service provider it came from, and whatever must be
/// unloaded with it. Requests hold a lease for their whole duration (see <see cref="Drainable"/>).
/// </summary>
public sealed class BackendGeneration : Drainable
{
    private readonly Func<ValueTask> _dispose;

    internal BackendGeneration(string name, ILabelStudioBackend backend, string codeVersion, string origin,
        Func<ValueTask> dispose, ProjectModels? models = null)
    {
        Name = name;
        Backend = backend;
        CodeVersion = codeVersion;
        Origin = origin;
        _dispose = dispose;
        Models = models;
        LoadedAt = DateTimeOffset.UtcNow;
    }

    public string Name { get; }

    public ILabelStudioBackend Backend { get; }

    /// <summary>The <c>model_version</c> while no trained model is active, e.g. <c>substring-1.0.0</c>.</summary>
    public string CodeVersion { get; }

    /// <summary>Where the code came from (a plugin folder or a script path), for /health.</summary>
    public string Origin { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>The per-project trained models, for <see cref="ITrainableBackend"/>s; null otherwise.</summary>
    internal ProjectModels? Models { get; }

    internal ITrainableBackend? Trainable => Backend as ITrainableBackend;

    protected override async ValueTask DisposeCoreAsync()
    {
        if (Models is not null) await Models.DisposeAsync().ConfigureAwait(false);
        await _dispose().ConfigureAwait(false);
    }
}
