using PluginHost.Training;

namespace PluginHost.Jobs;

/// <summary>A prediction job's states: a training job's (<see cref="TrainingJobStates"/>) plus <see cref="Interrupted"/>.</summary>
public static class PredictionJobStates
{
    public const string Queued = TrainingJobStates.Queued;
    public const string Running = TrainingJobStates.Running;
    public const string Succeeded = TrainingJobStates.Succeeded;
    public const string Failed = TrainingJobStates.Failed;
    public const string Cancelled = TrainingJobStates.Cancelled;

    /// <summary>The host stopped while the job ran; it resumes at the next start.</summary>
    public const string Interrupted = "interrupted";

    public static bool IsFinished(string state) => TrainingJobStates.IsFinished(state);
}
