namespace PluginHost.Training;

public sealed record StoredVersion(string Name, int Number, string Directory, string ModelVersion, bool IsActive, VersionMetadata? Metadata);
