namespace PluginHost.Training;

/// <summary>What a version folder's <c>version.json</c> records about how it was made.</summary>
public sealed record VersionMetadata(
    string Backend,
    string Project,
    string? Job,
    string Trigger,
    int Examples,
    DateTimeOffset CreatedAt,
    double TrainingSeconds,
    string CodeVersion,
    string? LabelsSignature);
