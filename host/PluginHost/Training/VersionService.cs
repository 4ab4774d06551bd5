using PluginHost.Backends;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Training;

/// <summary>
/// The stored versions of a trainable backend as <c>GET /versions</c> lists them, and rollback or roll-forward
/// (<c>POST /versions/{version}/activate</c>) through the <see cref="ModelActivator"/>.
/// </summary>
public sealed class VersionService(ModelStore modelStore, IAnnotationStore annotations, ModelActivator activator, BackendContextFactory contexts)
{
    /// <summary>The versions of <paramref name="projectId"/>, or of every trained project, oldest first.</summary>
    public VersionList List(BackendGeneration generation, string? projectId)
    {
        var backend = generation.Name;
        var projects = projectId is { Length: > 0 } ? [ProjectRef.FromString(projectId).Id] : modelStore.Projects(backend);
        var details = projects.SelectMany(p => modelStore.List(backend, p).Select(v => Describe(p, v))).ToList();
        if (details.Count == 0) return new VersionList([generation.CodeVersion], projects.Count == 1 ? projects[0] : null);
        var active = projects.Count == 1 ? modelStore.GetActive(backend, projects[0]) is { } a ? ModelStore.ModelVersionOf(backend, a.VersionName) : null : null;
        return new VersionList(details.Select(d => d.ModelVersion).Distinct().ToList(), projects.Count == 1 ? projects[0] : null, active, details);
    }

    /// <summary>Makes a stored version (<c>v2</c>, <c>2</c> or <c>&lt;backend&gt;-v2</c>) active in the generation the caller holds.</summary>
    public async Task<ActivationAnswer> ActivateAsync(BackendGeneration generation, string? projectId, string version, CancellationToken cancellationToken)
    {
        var backend = generation.Name;
        var project = ResolveProject(backend, projectId);
        var stored = modelStore.Find(backend, project.Id, version) ?? throw new ResourceNotFoundException(backend,
            $"Project {project.Id} of {backend} has no version '{version}'. Versions: {string.Join(", ", modelStore.List(backend, project.Id).Select(v => v.Name).DefaultIfEmpty("(none)"))}.");
        var previous = modelStore.GetActive(backend, project.Id)?.VersionName;
        var warmUp = (await annotations.LoadExamplesAsync(project.Id, cancellationToken)).FirstOrDefault()?.Task;
        var labelConfig = contexts.LabelConfigOf(backend, null, await contexts.ProjectAsync(backend, project, cancellationToken));
        var modelVersion = await activator.ActivateAsync(generation, project, stored, warmUp, labelConfig, cancellationToken);
        return new ActivationAnswer("ok", modelVersion, project.Id, previous is null ? null : ModelStore.ModelVersionOf(backend, previous));
    }

    private ProjectRef ResolveProject(string backend, string? projectId)
    {
        if (projectId is { Length: > 0 }) return ProjectRef.FromString(projectId);
        var projects = modelStore.Projects(backend);
        return projects.Count switch
        {
            1 => new ProjectRef(projects[0]),
            0 => throw new ResourceNotFoundException(backend, $"{backend} has no trained project yet."),
            _ => throw new ClientRequestException(backend,
                $"{backend} has several trained projects ({string.Join(", ", projects)}): name one with ?project=<id>."),
        };
    }

    private static VersionInfo Describe(string projectId, StoredVersion version) => new(version.ModelVersion, version.Name, projectId, version.IsActive,
        version.Metadata?.CreatedAt, version.Metadata?.Examples, version.Metadata?.Job, version.Metadata?.Trigger, version.Metadata?.TrainingSeconds);
}
