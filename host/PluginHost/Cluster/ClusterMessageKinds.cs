namespace PluginHost.Cluster;

/// <summary>The kinds of <see cref="ClusterMessage"/>.</summary>
public static class ClusterMessageKinds
{
    /// <summary>A project's state (label config, extra params, counters, backend values) changed: drop the cached snapshot.</summary>
    public const string ProjectChanged = "project-changed";

    /// <summary>A backend+project's active version moved (training, rollback): load, warm up and swap it in.</summary>
    public const string VersionActivated = "version-activated";

    /// <summary>A training job was queued on a lane that had none waiting: wake the workers.</summary>
    public const string TrainingQueued = "training-queued";

    /// <summary>A training job was asked to stop (<c>Version</c> carries the job id): its owner cancels it.</summary>
    public const string TrainingCancel = "training-cancel";
}
