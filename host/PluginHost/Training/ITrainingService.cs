using System.Text.Json.Serialization;
using PluginHost.Backends;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Training;

/// <summary>
/// What the host does with training events of a trainable backend: record annotations, enqueue jobs, list and
/// activate versions. Answers at once; training runs in the background.
/// </summary>
public interface ITrainingService
{
    Task<TrainingAnswer> OnWebhookAsync(BackendGeneration generation, WebhookEvent webhookEvent, CancellationToken cancellationToken);

    Task<TrainingAnswer> OnTrainRequestAsync(BackendGeneration generation, TrainRequest request, CancellationToken cancellationToken);

    /// <summary>The versions <c>GET /versions</c> lists, oldest first: of <paramref name="projectId"/>, or of every trained project.</summary>
    VersionList ListVersions(BackendGeneration generation, string? projectId);

    /// <summary>Rolls a project back or forward to a stored version (<c>v2</c>, <c>2</c> or <c>&lt;backend&gt;-v2</c>).</summary>
    Task<ActivationAnswer> ActivateAsync(BackendGeneration generation, string? projectId, string version, CancellationToken cancellationToken);

    ValueTask<TrainingJobInfo?> GetJobAsync(string backend, string jobId, CancellationToken cancellationToken);

    ValueTask<TrainingJobInfo?> CancelJobAsync(string backend, string jobId, CancellationToken cancellationToken);
}

/// <summary>The reply to a training event: <c>{"status":…,"job":…,"detail":…}</c> with its HTTP status.</summary>
public sealed record TrainingAnswer([property: JsonIgnore] int StatusCode, string Status, string? Job = null, string? Detail = null);

/// <summary><c>{"versions":[…]}</c> (what Label Studio reads) plus the details of each.</summary>
public sealed record VersionList(IReadOnlyList<string> Versions, string? Project = null, string? Active = null, IReadOnlyList<VersionInfo>? Details = null);

public sealed record VersionInfo(string ModelVersion, string Version, string Project, bool Active, DateTimeOffset? CreatedAt, int? Examples,
    string? Job, string? Trigger, double? TrainingSeconds);

public sealed record ActivationAnswer(string Status, string ModelVersion, string Project, string? Previous);
