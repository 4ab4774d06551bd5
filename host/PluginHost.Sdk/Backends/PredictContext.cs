using Microsoft.Extensions.Logging;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Backends;

/// <summary>Everything one <c>PredictAsync</c> call gets: the tasks, who is asking, the project's label config, settings and state.</summary>
public sealed class PredictContext
{
    public required string BackendName { get; init; }

    public required ProjectRef Project { get; init; }

    /// <summary>The parsed label config of the request, or the one stored for the project (null when neither is known).</summary>
    public LabelConfig? LabelConfig { get; init; }

    /// <summary>The project's <c>extra_params</c> from the last <c>/setup</c>.</summary>
    public required ExtraParams ExtraParams { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>Small per-project key/value state, persisted by the host.</summary>
    public required IProjectState State { get; init; }

    /// <summary>The version this call is answered with: the active model's, or the code's.</summary>
    public required string ModelVersion { get; init; }

    public required IReadOnlyList<LabelStudioTask> Tasks { get; init; }

    /// <summary>The annotator's prompt (interactive labelling), or null for batch pre-annotation.</summary>
    public InteractiveContext? Interactive { get; init; }

    /// <summary>The project's active trained model, which <c>TrainableBackend&lt;TModel&gt;</c> hands its <c>PredictAsync</c>, typed.</summary>
    internal object? Model { get; init; }

    /// <summary>The label config, or a clear error when none is known.</summary>
    public LabelConfig RequireLabelConfig() =>
        LabelConfig ?? throw new LabelConfigException("The request carries no label_config.");
}
