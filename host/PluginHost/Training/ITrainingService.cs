using PluginHost.Backends;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Training;

/// <summary>
/// What the host does with training events of a trainable backend: record annotations and enqueue jobs. Answers at
/// once; training runs in the background.
/// </summary>
internal interface ITrainingService
{
    Task<TrainingAnswer> OnWebhookAsync(BackendGeneration generation, WebhookEvent webhookEvent, CancellationToken cancellationToken);

    Task<TrainingAnswer> OnTrainRequestAsync(BackendGeneration generation, TrainRequest request, CancellationToken cancellationToken);

    ValueTask<TrainingJobInfo?> GetJobAsync(string backend, string jobId, CancellationToken cancellationToken);

    ValueTask<TrainingJobInfo?> CancelJobAsync(string backend, string jobId, CancellationToken cancellationToken);
}
