namespace PluginHost.Training;

/// <summary>One stored version as <c>GET /versions</c> details it.</summary>
public sealed record VersionInfo(string ModelVersion, string Version, string Project, bool Active, DateTimeOffset? CreatedAt, int? Examples,
    string? Job, string? Trigger, double? TrainingSeconds);
