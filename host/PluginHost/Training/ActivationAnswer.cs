namespace PluginHost.Training;

/// <summary>The reply to <c>POST /versions/{version}/activate</c>.</summary>
public sealed record ActivationAnswer(string Status, string ModelVersion, string Project, string? Previous);
