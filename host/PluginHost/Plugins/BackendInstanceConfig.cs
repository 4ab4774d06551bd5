namespace PluginHost.Plugins;

/// <summary>One entry of the <c>Backends</c> configuration section (see docs/plugins.md).</summary>
/// <param name="Name">The route name: the entry's key.</param>
/// <param name="Plugin">The plugin folder the instance is made from; null means the folder named like the entry.</param>
/// <param name="Type">The backend class to use when the plugin holds several.</param>
/// <param name="Enabled">False removes the backend (and, for a folder-named entry, the folder's default backend).</param>
/// <param name="Settings">Bound to the plugin's <c>[BackendSettings]</c> classes.</param>
/// <param name="Error">Why the entry is unusable (reported on the backend's /health), or null.</param>
public sealed record BackendInstanceConfig(string Name, string? Plugin, string? Type, bool Enabled, IConfiguration Settings, string? Error = null)
{
    public const string Section = "Backends";

    /// <summary>Reads every entry of <c>Backends</c>; a malformed entry carries an <see cref="Error"/> naming the problem.</summary>
    public static IReadOnlyList<BackendInstanceConfig> ReadAll(IConfiguration configuration) =>
        configuration.GetSection(Section).GetChildren().Select(Read).ToList();

    private static BackendInstanceConfig Read(IConfigurationSection entry)
    {
        var enabledText = entry["Enabled"];
        var enabled = true;
        string? error = null;
        if (!string.IsNullOrWhiteSpace(enabledText) && !bool.TryParse(enabledText, out enabled))
            error = $"Backends:{entry.Key}:Enabled must be true or false, not '{enabledText}'.";
        var plugin = NullIfEmpty(entry["Plugin"]);
        if (plugin is not null && (plugin.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || plugin is "." or ".."))
            error = $"Backends:{entry.Key}:Plugin must be the name of a folder in the plugins directory, not '{plugin}'.";
        return new BackendInstanceConfig(entry.Key.ToLowerInvariant(), plugin, NullIfEmpty(entry["Type"]),
            enabled, entry.GetSection("Settings"), error);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
