using Microsoft.Extensions.Logging;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Training;

/// <summary>
/// A backend that learns from annotations. The host runs <see cref="TrainAsync"/> in the background, writes the
/// result as a new version in the model store, loads it with <see cref="LoadModelAsync"/>, warms it up and then
/// swaps it in atomically. Derive from <see cref="TrainableBackend{TModel}"/> rather than implementing this.
/// </summary>
public interface ITrainableBackend : ILabelStudioBackend
{
    /// <summary>Trains from <see cref="TrainingContext.Examples"/> and writes every file the model needs
    /// into <see cref="TrainingContext.OutputDirectory"/>.</summary>
    Task TrainAsync(TrainingContext context, CancellationToken cancellationToken);

    /// <summary>Loads a model from a version folder; <see cref="ModelLoadContext.Directory"/> is null before the first
    /// training. May return null (no model). A returned <see cref="IDisposable"/> is disposed once no request uses it.</summary>
    ValueTask<object?> LoadModelAsync(ModelLoadContext context, CancellationToken cancellationToken);
}

/// <summary>The typed base of trainable backends: the host hands each prediction the active model.</summary>
public abstract class TrainableBackend<TModel> : ITrainableBackend where TModel : class
{
    public virtual string? Version => null;

    public virtual ValueTask SetupAsync(SetupContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public abstract Task TrainAsync(TrainingContext context, CancellationToken cancellationToken);

    /// <summary>Loads the model in <see cref="ModelLoadContext.Directory"/>, or returns a cold-start model (or null) when it is null.</summary>
    public abstract ValueTask<TModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken);

    /// <summary>Predicts with <paramref name="model"/>, which is null when nothing was trained or loaded yet.</summary>
    public abstract ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, TModel? model, CancellationToken cancellationToken);

    async ValueTask<object?> ITrainableBackend.LoadModelAsync(ModelLoadContext context, CancellationToken cancellationToken)
        => await LoadAsync(context, cancellationToken).ConfigureAwait(false);

    ValueTask<IReadOnlyList<Prediction>> ILabelStudioBackend.PredictAsync(PredictContext context, CancellationToken cancellationToken)
        => PredictAsync(context, context.Model as TModel, cancellationToken);
}

/// <summary>One annotated task to learn from: skipped and cancelled annotations are already filtered out.</summary>
public sealed record TrainingExample(LabelStudioTask Task, Annotation Annotation);

public sealed class TrainingContext
{
    public required string BackendName { get; init; }

    public required ProjectRef Project { get; init; }

    /// <summary>The project's latest label config; training for a config without the needed controls should fail clearly.</summary>
    public required LabelConfig LabelConfig { get; init; }

    public required IReadOnlyList<TrainingExample> Examples { get; init; }

    /// <summary>An empty folder to write the new version into; the host renames it into place when training succeeds.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The folder of the active version, if any (for incremental training).</summary>
    public string? PreviousModelDirectory { get; init; }

    public required ExtraParams ExtraParams { get; init; }

    /// <summary>Report 0–1; shown by <c>GET /&lt;backend&gt;/jobs/&lt;id&gt;</c>.</summary>
    public required IProgress<double> Progress { get; init; }

    public required ILogger Logger { get; init; }
}

public sealed class ModelLoadContext
{
    public required string BackendName { get; init; }

    public required ProjectRef Project { get; init; }

    /// <summary>The version folder to load, or null before the first training.</summary>
    public string? Directory { get; init; }

    /// <summary>The version name (e.g. <c>v3</c>), or null before the first training.</summary>
    public string? VersionName { get; init; }

    public required ILogger Logger { get; init; }
}
