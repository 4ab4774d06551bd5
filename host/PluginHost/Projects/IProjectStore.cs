namespace PluginHost.Projects;

/// <summary>
/// The one store of per-project state: label config, extra params, counters and the backends' own key/values
/// (the Python SDK's <c>get</c>/<c>set</c>). Every reader and writer in the host goes through it.
/// </summary>
/// <remarks>
/// Implementations keep an in-process cache of snapshots: after a project's first read, <see cref="GetAsync"/>
/// completes synchronously from memory, so the predict path never waits on disk or network. A cluster
/// implementation (Redis) reads through on a miss, writes through on <see cref="SetAsync"/>/<see cref="AddAsync"/>,
/// and refreshes other replicas' caches by pub/sub. The contract tests in
/// <c>tests/PluginHost.Tests/Projects/ProjectStoreContract.cs</c> hold for every implementation.
/// </remarks>
public interface IProjectStore
{
    /// <summary>The project's current snapshot (empty when nothing was ever stored). Cached after the first call.</summary>
    ValueTask<ProjectSnapshot> GetAsync(ProjectKey key, CancellationToken cancellationToken);

    /// <summary>Stores one value and returns the new snapshot; storing the value already there writes nothing.</summary>
    ValueTask<ProjectSnapshot> SetAsync(ProjectKey key, string name, string value, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="delta"/> to a counter atomically (across replicas too) and returns its new value.</summary>
    ValueTask<long> AddAsync(ProjectKey key, string counter, long delta, CancellationToken cancellationToken);
}
