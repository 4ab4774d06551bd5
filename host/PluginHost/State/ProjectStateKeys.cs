namespace PluginHost.State;

/// <summary>The keys the host itself keeps in a backend's per-project state.</summary>
public static class ProjectStateKeys
{
    /// <summary>The label config of the last <c>/setup</c>.</summary>
    public const string LabelConfig = "label_config";

    /// <summary>The <c>extra_params</c> of the last <c>/setup</c>.</summary>
    public const string ExtraParams = "extra_params";
}
