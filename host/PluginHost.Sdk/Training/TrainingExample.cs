using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Training;

/// <summary>One annotated task to learn from: skipped and cancelled annotations are already filtered out.</summary>
public sealed record TrainingExample(LabelStudioTask Task, Annotation Annotation);
