using Microsoft.Extensions.Logging;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Training;

/// <summary>
/// A backend that learns from annotations. The host runs <see cref="TrainAsync"/> in the background, writes the
/// result as a new version in the model store, loads it with <see cref="LoadModelAsync"/>, warms it up and then
/// swaps it in atomically. Backends derive from <see cref="TrainableBackend{TModel}"/>, which implements it.
/// </summary>
internal interface ITrainableBackend : ILabelStudioBackend
{
    /// <summary>Trains from <see cref="TrainingContext.Examples"/> and writes every file the model needs
    /// into <see cref="TrainingContext.OutputDirectory"/>.</summary>
    Task TrainAsync(TrainingContext context, CancellationToken cancellationToken);

    /// <summary>Loads a model from a version folder; <see cref="ModelLoadContext.Directory"/> is null before the first
    /// training. May return null (no model). A returned <see cref="IDisposable"/> is disposed once no request uses it.</summary>
    ValueTask<object?> LoadModelAsync(ModelLoadContext context, CancellationToken cancellationToken);
}
