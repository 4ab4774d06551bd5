namespace PluginHost.JobsBench;

/// <summary>One job: how long it took, what it predicted, and the interactive latency measured meanwhile.</summary>
public sealed record JobRun(double Seconds, int Done, double TasksPerSecond, InteractiveLoad? Interactive);
