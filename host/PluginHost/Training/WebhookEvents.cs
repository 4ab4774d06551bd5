namespace PluginHost.Training;

/// <summary>The one place that knows which webhook <c>action</c> names are training events.</summary>
public static class WebhookEvents
{
    public static WebhookEventKind Classify(string? action) => action switch
    {
        "START_TRAINING" => WebhookEventKind.StartTraining,
        "ANNOTATION_CREATED" or "ANNOTATION_UPDATED" or "ANNOTATIONS_CREATED" => WebhookEventKind.AnnotationsChanged,
        "ANNOTATION_DELETED" or "ANNOTATIONS_DELETED" => WebhookEventKind.AnnotationsDeleted,
        "PROJECT_UPDATED" => WebhookEventKind.ProjectUpdated,
        _ => WebhookEventKind.Unknown,
    };

    /// <summary>The events the Python SDK's <c>/webhook</c> answers with 201 on every backend (its <c>TRAIN_EVENTS</c>,
    /// docs/protocol.md §1.6), which a backend that does not train acknowledges the same way.</summary>
    public static bool PythonSdkAnswersCreated(string action) =>
        action is "ANNOTATION_CREATED" or "ANNOTATION_UPDATED" or "ANNOTATION_DELETED" or "START_TRAINING";
}
