using System.Collections.Concurrent;
using PluginHost.Invocation;
using PluginHost.Projects;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;
using PluginHost.Sdk.Training;

namespace PluginHost.Backends;

/// <summary>
/// Builds every context a backend is called with (predict, setup, training, model load): the logger
/// <c>PluginHost.Backend.&lt;name&gt;</c>, the project's extra params and state from the <see cref="IProjectStore"/>, and
/// the label config parsed once per distinct XML.
/// </summary>
public sealed class BackendContextFactory(IProjectStore projects, LabelConfigCache labelConfigs, ILoggerFactory loggerFactory)
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>One logger per backend: <c>LoggerFactory.CreateLogger</c> takes a lock, which has no place on the request path.</summary>
    public ILogger LoggerFor(string backend) =>
        _loggers.GetOrAdd(backend, static (name, factory) => factory.CreateLogger($"PluginHost.Backend.{name}"), loggerFactory);

    public ValueTask<ProjectSnapshot> ProjectAsync(string backend, ProjectRef project, CancellationToken cancellationToken) =>
        projects.GetAsync(new ProjectKey(backend, project.Id), cancellationToken);

    /// <summary>The parsed config of <paramref name="xml"/>, else the one stored for the project, else null.
    /// Throws <see cref="ClientRequestException"/> for a broken config.</summary>
    public LabelConfig? LabelConfigOf(string backend, string? xml, ProjectSnapshot project)
    {
        var chosen = xml is { Length: > 0 } ? xml : project.LabelConfigXml;
        if (chosen is null) return null;
        try
        {
            return labelConfigs.Get(chosen);
        }
        catch (LabelConfigException ex)
        {
            throw new ClientRequestException(backend, $"Label config: {ex.Message}", ex);
        }
    }

    public async ValueTask<PredictContext> CreatePredictContextAsync(string backend, PredictInput input, ModelGeneration? model,
        string codeVersion, CancellationToken cancellationToken)
    {
        var project = await ProjectAsync(backend, input.Project, cancellationToken).ConfigureAwait(false);
        return new PredictContext
        {
            BackendName = backend,
            Project = input.Project,
            LabelConfig = LabelConfigOf(backend, input.LabelConfigXml, project),
            ExtraParams = project.ExtraParams,
            Logger = LoggerFor(backend),
            State = new ProjectStateView(projects, project),
            ModelVersion = model?.ModelVersion ?? codeVersion,
            Tasks = input.Tasks,
            Interactive = input.Interactive,
            Model = model?.Model,
        };
    }

    public async ValueTask<BackendContext> CreateSetupContextAsync(string backend, ProjectRef projectRef, string modelVersion,
        CancellationToken cancellationToken)
    {
        var project = await ProjectAsync(backend, projectRef, cancellationToken).ConfigureAwait(false);
        return new BackendContext
        {
            BackendName = backend,
            Project = projectRef,
            LabelConfig = LabelConfigOf(backend, null, project),
            ExtraParams = project.ExtraParams,
            Logger = LoggerFor(backend),
            State = new ProjectStateView(projects, project),
            ModelVersion = modelVersion,
        };
    }

    public async ValueTask<TrainingContext> CreateTrainingContextAsync(string backend, ProjectRef projectRef, LabelConfig labelConfig,
        IReadOnlyList<TrainingExample> examples, string outputDirectory, string? previousModelDirectory, IProgress<double> progress,
        CancellationToken cancellationToken)
    {
        var project = await ProjectAsync(backend, projectRef, cancellationToken).ConfigureAwait(false);
        return new TrainingContext
        {
            BackendName = backend,
            Project = projectRef,
            LabelConfig = labelConfig,
            Examples = examples,
            OutputDirectory = outputDirectory,
            PreviousModelDirectory = previousModelDirectory,
            ExtraParams = project.ExtraParams,
            Progress = progress,
            Logger = LoggerFor(backend),
        };
    }

    public ModelLoadContext CreateModelLoadContext(string backend, ProjectRef project, ActiveModel? version) => new()
    {
        BackendName = backend,
        Project = project,
        Directory = version?.Directory,
        VersionName = version?.VersionName,
        Logger = LoggerFor(backend),
    };
}
