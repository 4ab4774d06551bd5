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
}
