namespace PluginHost.Training;

/// <summary>What a training event did (the HTTP layer turns it into a status code).</summary>
public enum TrainingOutcome
{
    /// <summary>A job was queued or joined.</summary>
    Queued,

    /// <summary>Annotations were stored; no job yet.</summary>
    Stored,

    /// <summary>Stored annotations were removed.</summary>
    Removed,

    /// <summary>Handled, and answered "created" because the Python SDK answers this event so (e.g. ANNOTATION_DELETED).</summary>
    Acknowledged,

    /// <summary>The event does not train this backend.</summary>
    Ignored,
}
