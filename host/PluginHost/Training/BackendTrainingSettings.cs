namespace PluginHost.Training;

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
