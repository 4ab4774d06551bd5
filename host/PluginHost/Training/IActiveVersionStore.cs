using PluginHost.Backends;

namespace PluginHost.Training;

/// <summary>
/// Which stored version each backend+project serves. Embedded: <see cref="FileActiveVersionStore"/> (a <c>current</c>
/// file per project). A cluster implementation keeps the pointer centrally and tells every replica when it moves;
/// each replica then loads, warms up and swaps the version in (<see cref="ModelActivator"/>).
/// </summary>
public interface IActiveVersionStore
{
    /// <summary>The active version, or null when the project was never trained. Answered from memory after the first
    /// read of a project (the first predict of a project loads its model through this).</summary>
    ActiveModel? GetActive(string backend, string projectId);

    /// <summary>Makes <paramref name="version"/> the active one, durably, once it has loaded and passed its warm-up.</summary>
    Task SetActiveAsync(string backend, string projectId, ActiveModel version, CancellationToken cancellationToken);
}
