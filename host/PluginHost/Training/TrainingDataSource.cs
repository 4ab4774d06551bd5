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
