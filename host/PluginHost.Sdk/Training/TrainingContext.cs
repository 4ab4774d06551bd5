using Microsoft.Extensions.Logging;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Training;

/// <summary>
/// What <c>TrainAsync</c> gets: the project's annotations (minus a held-out validation split), its label config, an
/// empty folder to write the model into, and where to report progress, evaluation figures and training curves.
/// </summary>
public sealed class TrainingContext
{
    public required string BackendName { get; init; }

    public required ProjectRef Project { get; init; }

    /// <summary>The project's latest label config; training for a config without the needed controls should fail clearly.</summary>
    public required LabelConfig LabelConfig { get; init; }

    /// <summary>The examples to learn from. The held-out <see cref="ValidationExamples"/> are never among them.</summary>
    public required IReadOnlyList<TrainingExample> Examples { get; init; }

    /// <summary>
    /// Held-out examples (whole tasks, chosen by the host deterministically from its seed) to evaluate the trained model on
    /// and report with <see cref="ReportMetric"/>; never train on them. Empty when the project is too small to spare any
    /// (fewer than <c>Backends:&lt;name&gt;:Training:ValidationMinTasks</c> annotated tasks) or validation is off.
    /// </summary>
    public IReadOnlyList<TrainingExample> ValidationExamples { get; init; } = [];

    /// <summary>An empty folder to write the new version into; the host renames it into place when training succeeds.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The folder of the active version, if any (for incremental training).</summary>
    public string? PreviousModelDirectory { get; init; }

    public required ExtraParams ExtraParams { get; init; }

    /// <summary>Report 0–1; shown by <c>GET /&lt;backend&gt;/jobs/&lt;id&gt;</c>.</summary>
    public required IProgress<double> Progress { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>What the trainer reported; the host stores it in the version's <c>version.json</c>.</summary>
    internal TrainingReport Report { get; } = new();

    /// <summary>
    /// Records an evaluation figure of the model being trained (e.g. <c>("accuracy", 0.93)</c>, <c>("macro_f1", 0.91)</c>,
    /// <c>("entity_f1", 0.84)</c>), measured on <see cref="ValidationExamples"/>. The host stores it with the version; it
    /// appears in <c>GET /&lt;backend&gt;/versions</c> and on the status page. Reporting a name again replaces its value.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty, longer than 64 characters or has characters other than
    /// letters, digits, <c>_ . -</c>; or the value is not finite.</exception>
    public void ReportMetric(string name, double value) => Report.AddMetric(name, value);

    /// <summary>
    /// Adds a point to a training curve (e.g. <c>("loss", iteration, loss)</c>), shown per version on the status page.
    /// Steps should increase; the first 2,000 points of a curve are kept (the host logs that later ones were dropped).
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="ReportMetric"/>.</exception>
    public void ReportCurvePoint(string curve, int step, double value) => Report.AddCurvePoint(curve, step, value);
}
