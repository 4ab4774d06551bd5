using PluginHost.Sdk.Protocol;
using PluginHost.Sdk.Training;

namespace PluginHost.Training;

/// <summary>
/// The tasks and annotations Label Studio delivered (webhooks, legacy <c>/train</c>, pulls from its API), per Label
/// Studio project (shared by every backend), so a project can be trained without calling Label Studio. Embedded:
/// <see cref="SqliteAnnotationStore"/>; a cluster implementation must accept writes on any replica. Never on the
/// predict path. Throws <see cref="TrainingDataException"/> for unusable input, <see cref="AnnotationStoreException"/>
/// when the store itself fails.
/// </summary>
public interface IAnnotationStore
{
    /// <summary>Stores (or replaces, by id) annotations and their tasks. Returns how many annotations were written.</summary>
    Task<int> UpsertAsync(string projectId, IReadOnlyList<(LabelStudioTask? Task, Annotation Annotation)> items, CancellationToken cancellationToken);

    /// <summary>Replaces everything known about a project with a full snapshot (legacy <c>/train</c>, a pull from Label Studio).</summary>
    Task<int> ReplaceProjectAsync(string projectId, IReadOnlyList<LabelStudioTask> tasks, CancellationToken cancellationToken);

    /// <summary>Removes annotations by id; returns how many were there.</summary>
    Task<int> DeleteAsync(string projectId, IReadOnlyList<long> annotationIds, CancellationToken cancellationToken);

    /// <summary>Every usable annotation of the project with its task, cancelled (skipped) ones left out, by task then annotation id.</summary>
    Task<IReadOnlyList<TrainingExample>> LoadExamplesAsync(string projectId, CancellationToken cancellationToken);

    /// <summary>How many usable annotations the project has.</summary>
    Task<int> CountAnnotationsAsync(string projectId, CancellationToken cancellationToken);
}
