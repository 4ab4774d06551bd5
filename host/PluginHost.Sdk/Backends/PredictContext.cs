using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Backends;

/// <summary>Everything one <c>PredictAsync</c> call gets: the tasks and the annotator's prompt, on top of <see cref="BackendContext"/>.</summary>
public sealed class PredictContext : BackendContext
{
    public required IReadOnlyList<LabelStudioTask> Tasks { get; init; }

    /// <summary>The annotator's prompt (interactive labelling), or null for batch pre-annotation.</summary>
    public InteractiveContext? Interactive { get; init; }

    /// <summary>The project's active trained model, which <c>TrainableBackend&lt;TModel&gt;</c> hands its <c>PredictAsync</c>, typed.</summary>
    internal object? Model { get; init; }
}
