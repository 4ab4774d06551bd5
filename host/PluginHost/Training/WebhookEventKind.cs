namespace PluginHost.Training;

/// <summary>What a Label Studio webhook means to training (docs/protocol.md §1.6).</summary>
public enum WebhookEventKind
{
    /// <summary>Not a training event: answered <c>200 {"status":"Unknown event"}</c>.</summary>
    Unknown,

    /// <summary><c>START_TRAINING</c>: the "Start Training" button.</summary>
    StartTraining,

    /// <summary><c>ANNOTATION_CREATED</c>, <c>ANNOTATION_UPDATED</c>, <c>ANNOTATIONS_CREATED</c>: annotations to store.</summary>
    AnnotationsChanged,

    /// <summary><c>ANNOTATION_DELETED</c>, <c>ANNOTATIONS_DELETED</c>: annotations to forget.</summary>
    AnnotationsDeleted,

    /// <summary><c>PROJECT_UPDATED</c>: maybe a new label config; trains only when configured to.</summary>
    ProjectUpdated,
}
