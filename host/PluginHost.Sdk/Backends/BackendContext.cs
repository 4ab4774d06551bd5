using Microsoft.Extensions.Logging;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Backends;

/// <summary>
/// What every call gives a backend: who it is, which project, the project's label config, extra params and state.
/// <c>SetupAsync</c> gets exactly this; <see cref="PredictContext"/> adds the tasks.
/// </summary>
public class BackendContext
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

    /// <summary>The label config, or a clear error when none is known.</summary>
    public LabelConfig RequireLabelConfig() =>
        LabelConfig ?? throw new LabelConfigException("The request carries no label_config.");
}
