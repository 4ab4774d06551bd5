using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Sdk.Training;

/// <summary>
/// The base of backends that learn from annotations. The host runs <see cref="TrainAsync"/> in the background, writes
/// the result as a new version in the model store, loads it with <see cref="LoadAsync"/>, warms it up with a
/// prediction and swaps it in atomically. Its one prediction method takes the project's active model, typed (the
/// untyped <c>ILabelStudioBackend.PredictAsync</c> is the host's way in and stays hidden).
/// </summary>
public abstract class TrainableBackend<TModel> : ITrainableBackend where TModel : class
{
    public virtual string? Version => null;

    public virtual string? HealthError => null;

    public virtual ValueTask SetupAsync(BackendContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Trains from <see cref="TrainingContext.Examples"/> and writes every file the model needs into
    /// <see cref="TrainingContext.OutputDirectory"/>.</summary>
    public abstract Task TrainAsync(TrainingContext context, CancellationToken cancellationToken);

    /// <summary>Loads the model in <see cref="ModelLoadContext.Directory"/>, or returns a cold-start model (or null) when it
    /// is null. A returned <see cref="IDisposable"/> is disposed once no request uses it any more.</summary>
    public abstract ValueTask<TModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken);

    /// <summary>One prediction per task of <see cref="PredictContext.Tasks"/>, in order, with <paramref name="model"/>: the
    /// project's active model, null when nothing was trained or loaded yet.</summary>
    public abstract ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, TModel? model, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<Prediction>> ILabelStudioBackend.PredictAsync(PredictContext context, CancellationToken cancellationToken)
        => PredictAsync(context, context.Model as TModel, cancellationToken);

    async ValueTask<object?> ITrainableBackend.LoadModelAsync(ModelLoadContext context, CancellationToken cancellationToken)
        => await LoadAsync(context, cancellationToken).ConfigureAwait(false);
}
