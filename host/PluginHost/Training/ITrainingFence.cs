namespace PluginHost.Training;

/// <summary>
/// A job's right to act on its lane, checked atomically with the write that makes its version active. In cluster mode the
/// lane's lease carries a fencing token: an owner that stalled past its lease (and lost it to another replica) must not
/// move the active pointer. Embedded jobs have no fence (one process owns every lane).
/// </summary>
public interface ITrainingFence
{
    /// <summary>Records <paramref name="version"/> as active only while the job still holds its lane; throws
    /// <see cref="ModelActivationException"/> when it does not (the previous version stays active).</summary>
    Task SetActiveAsync(string backend, string projectId, Backends.ActiveModel version, CancellationToken cancellationToken);
}
