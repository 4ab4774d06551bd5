using PluginHost.Backends;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Invocation;

/// <summary>What to predict: a project's tasks, with what the request carried.</summary>
/// <param name="Interactive">The annotator's prompt (interactive labelling); null for batch predictions.</param>
/// <param name="LabelConfigXml">The request's label config; null uses the one stored for the project.</param>
/// <param name="Model">A model to predict with instead of the project's active one (the warm-up of a version not yet swapped in).</param>
public sealed record PredictInput(
    ProjectRef Project,
    IReadOnlyList<LabelStudioTask> Tasks,
    string? LabelConfigXml = null,
    InteractiveContext? Interactive = null,
    ModelGeneration? Model = null);
