using System.Collections.Concurrent;
using PluginHost.Sdk.Protocol;
using PluginHost.Sdk.Training;
using PluginHost.Training;

namespace PluginHost.Backends;

/// <summary>
/// The trained models of one backend generation, one per project, each swapped atomically. A project's model is
/// loaded once (at first use, or eagerly by <see cref="PreloadAsync"/>) and replaced by <see cref="ActivateAsync"/>.
/// </summary>
internal sealed class ProjectModels(string backendName, string codeVersion, ITrainableBackend backend,
    IActiveVersionStore activeVersions, BackendContextFactory contexts) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ModelGeneration> _current = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _loadLocks = new();

    public IReadOnlyDictionary<string, ModelGeneration> Current => _current;

    /// <summary>Leases the project's active model, loading it on first use.</summary>
    public async ValueTask<ModelLease> AcquireAsync(ProjectRef project, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_current.TryGetValue(project.Id, out var model) && model.TryAcquire()) return new ModelLease(model);
            if (model is null) await LoadActiveAsync(project, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Loads the version the store marks active for every given project before the generation serves.</summary>
    public async Task PreloadAsync(IEnumerable<ProjectRef> projects, CancellationToken cancellationToken)
    {
        foreach (var project in projects) await LoadActiveAsync(project, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Loads <paramref name="version"/> (null: the untrained model), then swaps it in; the old model drains.</summary>
    public async Task<ModelGeneration> ActivateAsync(ProjectRef project, ActiveModel? version, CancellationToken cancellationToken)
    {
        var loaded = await LoadAsync(project, version, cancellationToken).ConfigureAwait(false);
        Swap(project.Id, loaded);
        return loaded;
    }

    /// <summary>Loads a version without making it current (the store's warm-up step uses this).</summary>
    public async Task<ModelGeneration> LoadAsync(ProjectRef project, ActiveModel? version, CancellationToken cancellationToken)
    {
        var model = await backend.LoadModelAsync(contexts.CreateModelLoadContext(backendName, project, version), cancellationToken).ConfigureAwait(false);
        var modelVersion = version is null ? codeVersion : ModelVersions.Of(backendName, version.VersionName);
        return new ModelGeneration(model, version?.VersionName, modelVersion);
    }

    /// <summary>Makes a loaded model current for the project.</summary>
    public void Swap(string projectId, ModelGeneration model)
    {
        ModelGeneration? old = null;
        _current.AddOrUpdate(projectId, model, (_, existing) =>
        {
            old = existing;
            return model;
        });
        old?.Retire();
    }

    private async Task LoadActiveAsync(ProjectRef project, CancellationToken cancellationToken)
    {
        var gate = _loadLocks.GetOrAdd(project.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current.ContainsKey(project.Id)) return;
            var active = activeVersions.GetActive(backendName, project.Id);
            var loaded = await LoadAsync(project, active, cancellationToken).ConfigureAwait(false);
            if (!_current.TryAdd(project.Id, loaded))
            {
                // An activation swapped a newer version in while this one loaded: it wins.
                loaded.Retire();
                return;
            }
            contexts.LoggerFor(backendName).LogInformation("Backend {Backend} loaded model {ModelVersion} for project {Project}", backendName, loaded.ModelVersion, project.Id);
        }
        finally
        {
            gate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        foreach (var key in _current.Keys)
            if (_current.TryRemove(key, out var model)) model.Retire();
        return ValueTask.CompletedTask;
    }
}
