namespace PluginHost.Training;

/// <summary>One stored version as <c>GET /versions</c> details it, with the figures its trainer reported.</summary>
public sealed record VersionInfo(string ModelVersion, string Version, string Project, bool Active, DateTimeOffset? CreatedAt, int? Examples,
    string? Job, string? Trigger, double? TrainingSeconds, int? ValidationExamples = null, IReadOnlyDictionary<string, double>? Metrics = null,
    IReadOnlyDictionary<string, IReadOnlyList<CurvePoint>>? Curves = null);
