namespace PluginHost.Plugins;

/// <summary>A backend to create: its route name, the plugin folder it comes from, and its settings.</summary>
public sealed record PlannedBackend(string Name, string Plugin, string? Type, IConfiguration Settings)
{
    /// <summary>Everything that, when changed, needs the backend re-created (name, type, every setting).</summary>
    public string Signature => $"{Name}|{Type}|{string.Join(';', Settings.AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))}";
}
