namespace PluginHost.Backends;

/// <summary>How one backend instance is declared: its route name, where its code is, and its settings.</summary>
/// <param name="SourceDirectory">The folder the code was loaded from (for a plugin: its private shadow copy).</param>
/// <param name="Origin">What /health shows as the code's origin (the live plugin folder); defaults to <paramref name="SourceDirectory"/>.</param>
public sealed record BackendDefinition(string Name, string SourceDirectory, IConfiguration Settings, string? TypeName = null, string? Origin = null);
