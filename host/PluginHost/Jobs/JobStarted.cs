namespace PluginHost.Jobs;

/// <summary><c>202 {"job": id}</c>, plus where to follow it.</summary>
public sealed record JobStarted(string Job, string Status, string Url, string Events);
