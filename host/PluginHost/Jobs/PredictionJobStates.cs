namespace PluginHost.Jobs;

public static class PredictionJobStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>The host stopped while the job ran; it resumes at the next start.</summary>
    public const string Interrupted = "interrupted";

    public static bool IsFinished(string state) => state is Succeeded or Failed or Cancelled;
}
