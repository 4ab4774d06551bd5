using System.Text.Json.Serialization;

namespace PluginHost.Jobs;

/// <summary>
/// The body of <c>POST /&lt;backend&gt;/jobs/predict</c>: which project and which of its tasks to pre-annotate, and how.
/// Exactly one of <see cref="Tasks"/>, <see cref="View"/> and <see cref="All"/> selects the tasks (none: all).
/// </summary>
public sealed class PredictionJobRequest
{
    public string? Project { get; set; }

    /// <summary>Task ids.</summary>
    public List<long>? Tasks { get; set; }

    /// <summary>A Data Manager view (tab) id: its filters select the tasks.</summary>
    public long? View { get; set; }

    public bool? All { get; set; }

    /// <summary>Tasks per predict call and per bulk import.</summary>
    public int? BatchSize { get; set; }

    /// <summary>Batches in flight at once.</summary>
    public int? Concurrency { get; set; }

    /// <summary>Skip tasks that already have a prediction of any model version (default true). A task that already has
    /// a prediction of the model version the job predicts with is always skipped.</summary>
    public bool? SkipExisting { get; set; }

    /// <summary>Label Studio's URL for this job only (else the configured one, else the project's <c>/setup</c>).</summary>
    public string? LabelStudioUrl { get; set; }

    /// <summary>An API key for this job only; never written to disk.</summary>
    [JsonPropertyName("api_key")]
    public string? ApiKey { get; set; }
}
