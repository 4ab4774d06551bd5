namespace PluginHost.Backends;

/// <summary>A stored version of a project's model: its folder name (<c>v3</c>) and where it is.</summary>
public sealed record ActiveModel(string VersionName, string Directory);
