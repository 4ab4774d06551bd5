namespace PluginHost.Training;

/// <summary>Host-wide training settings: <c>PluginHost:Training</c>.</summary>
public sealed class HostTrainingSettings
{
    public const string Section = "PluginHost:Training";

    /// <summary>Jobs running at once across all backends (each on its own low-priority thread).</summary>
    public int Workers { get; set; } = 1;

    /// <summary>Linux nice value of the training threads (0–19): the scheduler gives predictions the CPU first. 19 measured the
    /// smallest predict slowdown while training (docs/training.md); lower it to finish jobs sooner under load.</summary>
    public int Nice { get; set; } = 19;

    /// <summary>Finished jobs remembered for <c>GET /jobs/&lt;id&gt;</c>.</summary>
    public int JobHistory { get; set; } = 500;

    /// <summary>Timeout of one Label Studio API call when pulling annotations.</summary>
    public double PullTimeoutSeconds { get; set; } = 120;
}
