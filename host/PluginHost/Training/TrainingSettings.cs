namespace PluginHost.Training;

/// <summary>Where a job takes its annotations from.</summary>
public enum TrainingDataSource
{
    /// <summary>Pull from Label Studio when a connection is known (settings or /setup), else (or when that fails) the local store.</summary>
    Auto,

    /// <summary>Only what webhooks and /train delivered to the local store.</summary>
    Store,

    /// <summary>Always pull from Label Studio; the job fails when it cannot.</summary>
    LabelStudio,
}

/// <summary>Per-backend training settings: <c>Backends:&lt;name&gt;:Training</c>.</summary>
public sealed class BackendTrainingSettings
{
    /// <summary>Start a job after this many new annotations (ANNOTATION_CREATED/UPDATED, ANNOTATIONS_CREATED); 0 = only on
    /// START_TRAINING and /train.</summary>
    public int EveryNAnnotations { get; set; }

    /// <summary>Treat PROJECT_UPDATED as "Start Training" (what old Label Studio versions sent). Off: it fires on every edit.</summary>
    public bool TrainOnProjectUpdated { get; set; }

    /// <summary>Retrain when the project's label config names other labels than the active version was trained with.</summary>
    public bool RetrainOnLabelChange { get; set; } = true;

    /// <summary>How many versions to keep per project (the active one is never pruned); 0 keeps all.</summary>
    public int KeepVersions { get; set; } = 5;

    public TrainingDataSource DataSource { get; set; } = TrainingDataSource.Auto;

    /// <summary>A job running longer is cancelled and fails.</summary>
    public double TimeoutMinutes { get; set; } = 60;
}

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
