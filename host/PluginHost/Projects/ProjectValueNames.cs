namespace PluginHost.Projects;

/// <summary>The names the host itself keeps in a project's state (backends add their own through <c>context.State</c>).</summary>
public static class ProjectValueNames
{
    /// <summary>The label config of the last <c>/setup</c>, webhook or <c>/train</c> that carried one.</summary>
    public const string LabelConfig = "label_config";

    /// <summary>The <c>extra_params</c> of the last <c>/setup</c>.</summary>
    public const string ExtraParams = "extra_params";

    /// <summary>Counter: annotations stored since the last training job was queued (<c>Training:EveryNAnnotations</c>).</summary>
    public const string AnnotationsSinceJob = "annotations_since_job";

    /// <summary>The labels signature a label-change retrain was last requested for (so a failing retrain is asked for once).</summary>
    public const string RetrainRequestedFor = "retrain_requested_for";
}
