namespace PluginHost.Backends;

/// <summary>One loaded model of one project: held by requests, disposed after it is replaced and drained.</summary>
public sealed class ModelGeneration(object? model, string? versionName, string modelVersion) : Drainable
{
    public object? Model { get; } = model;

    /// <summary>The store's version folder name (<c>v3</c>), or null before the first training.</summary>
    public string? VersionName { get; } = versionName;

    /// <summary>What Label Studio sees: <c>&lt;backend&gt;-v3</c>, or the code version when untrained.</summary>
    public string ModelVersion { get; } = modelVersion;

    protected override async ValueTask DisposeCoreAsync()
    {
        switch (Model)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
