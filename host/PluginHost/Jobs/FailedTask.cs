namespace PluginHost.Jobs;

/// <summary>A task the job could not pre-annotate, and why.</summary>
public sealed record FailedTask(long Task, string Reason);
