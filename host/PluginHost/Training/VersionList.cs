namespace PluginHost.Training;

/// <summary><c>{"versions":[…]}</c> (what Label Studio reads) plus the details of each.</summary>
public sealed record VersionList(IReadOnlyList<string> Versions, string? Project = null, string? Active = null, IReadOnlyList<VersionInfo>? Details = null);
