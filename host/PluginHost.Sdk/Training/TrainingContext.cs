using Microsoft.Extensions.Logging;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Training;

/// <summary>What <c>TrainAsync</c> gets: the project's annotations, its label config and an empty folder to write the model into.</summary>
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
