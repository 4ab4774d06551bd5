using PluginHost.Backends;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Training;

/// <summary>
/// What the host does with training events of a trainable backend: record annotations, enqueue jobs, list versions.
/// Answers at once; training runs in the background.
/// </summary>
public interface ITrainingService
{
    Task<TrainingAnswer> OnWebhookAsync(BackendGeneration generation, WebhookEvent webhookEvent, CancellationToken cancellationToken);

    Task<TrainingAnswer> OnTrainRequestAsync(BackendGeneration generation, TrainRequest request, CancellationToken cancellationToken);

    /// <summary>The versions <c>GET /versions</c> lists, oldest first.</summary>
    IReadOnlyList<string> ListVersions(BackendGeneration generation);
}

/// <summary>The reply to a training event: <c>{"status":…,"job":…,"detail":…}</c> with its HTTP status.</summary>
public sealed record TrainingAnswer(int StatusCode, string Status, string? Job = null, string? Detail = null);

/// <summary>Placeholder until the training queue is registered: says so instead of pretending to train.</summary>
internal sealed class TrainingUnavailable : ITrainingService
{
    private static readonly TrainingAnswer Answer = new(StatusCodes.Status503ServiceUnavailable, "error", Detail: "Training is not available in this host.");

    public Task<TrainingAnswer> OnWebhookAsync(BackendGeneration generation, WebhookEvent webhookEvent, CancellationToken cancellationToken) => Task.FromResult(Answer);

    public Task<TrainingAnswer> OnTrainRequestAsync(BackendGeneration generation, TrainRequest request, CancellationToken cancellationToken) => Task.FromResult(Answer);

    public IReadOnlyList<string> ListVersions(BackendGeneration generation) => [generation.CodeVersion];
}
