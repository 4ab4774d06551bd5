namespace PluginHost.Training;

/// <summary>What <see cref="ITrainingQueue.EnqueueAsync"/> did: the job that will train, and whether it was created now.</summary>
public readonly record struct TrainingEnqueueResult(string JobId, bool Created);
