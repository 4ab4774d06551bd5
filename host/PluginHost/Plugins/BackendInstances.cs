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

/// <summary>A backend to create: its route name, the plugin folder it comes from, and its settings.</summary>
public sealed record PlannedBackend(string Name, string Plugin, string? Type, IConfiguration Settings)
{
    /// <summary>Everything that, when changed, needs the backend re-created (name, type, every setting).</summary>
    public string Signature => $"{Name}|{Type}|{string.Join(';', Settings.AsEnumerable(makePathsRelative: true).Where(kv => kv.Value is not null).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))}";
}

/// <summary>
/// Which backends the plugin folders become, given the <c>Backends</c> section:
/// <list type="bullet">
/// <item>an entry with <c>Plugin</c> makes a backend named after the entry from that folder (several entries may
/// share one folder: two classifiers with different settings; one entry renames a folder's backend);</item>
/// <item>an entry named like a folder, without <c>Plugin</c>, configures that folder's backend
/// (<c>Settings</c>, <c>Type</c>, <c>Enabled: false</c>);</item>
/// <item>a folder that no entry mentions becomes one backend named after the folder;</item>
/// <item>entries that are neither (no <c>Plugin</c>, no such folder) belong to other sources, e.g. scripts.</item>
/// </list>
/// </summary>
public sealed class BackendInstancePlan
{
    private readonly Dictionary<string, List<PlannedBackend>> _byPlugin;

    private BackendInstancePlan(Dictionary<string, List<PlannedBackend>> byPlugin, IReadOnlyDictionary<string, string> problems)
    {
        _byPlugin = byPlugin;
        Problems = problems;
    }

    /// <summary>Configured backends that cannot be made, by name, with the reason (e.g. their plugin folder does not exist).</summary>
    public IReadOnlyDictionary<string, string> Problems { get; }

    /// <summary>Whether a backend of this name will be made from some folder.</summary>
    public bool Makes(string name) => _byPlugin.Values.Any(list => list.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The backends to make from <paramref name="folder"/> (empty when all are disabled).</summary>
    public IReadOnlyList<PlannedBackend> For(string folder) =>
        _byPlugin.TryGetValue(folder, out var planned) ? planned : [];

    public static BackendInstancePlan Resolve(IReadOnlyList<BackendInstanceConfig> entries, IReadOnlyCollection<string> folders)
    {
        var folderSet = new HashSet<string>(folders, StringComparer.OrdinalIgnoreCase);
        var byPlugin = new Dictionary<string, List<PlannedBackend>>(StringComparer.OrdinalIgnoreCase);
        var claimed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var entryNames = new HashSet<string>(entries.Select(e => e.Name), StringComparer.OrdinalIgnoreCase);
        var problems = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        foreach (var entry in entries)
        {
            var plugin = entry.Plugin ?? (folderSet.Contains(entry.Name) ? entry.Name : null);
            if (plugin is null) continue; // not a plugin backend (a script's settings, say)
            claimed.Add(plugin);
            if (entry.Error is not null)
            {
                problems[entry.Name] = entry.Error;
                continue;
            }
            if (!entry.Enabled) continue;
            if (!folderSet.Contains(plugin))
            {
                problems[entry.Name] = $"Plugin folder '{plugin}' (Backends:{entry.Name}:Plugin) does not exist in the plugins directory.";
                continue;
            }
            Add(byPlugin, plugin, new PlannedBackend(entry.Name, plugin.ToLowerInvariant(), entry.Type, entry.Settings));
        }

        foreach (var folder in folders)
        {
            // A folder nobody mentions serves under its own name, unless an entry took that name for another plugin.
            if (claimed.Contains(folder) || entryNames.Contains(folder)) continue;
            Add(byPlugin, folder, new PlannedBackend(folder.ToLowerInvariant(), folder.ToLowerInvariant(), null, EmptyConfiguration));
        }
        return new BackendInstancePlan(byPlugin, problems);
    }

    private static readonly IConfiguration EmptyConfiguration = new ConfigurationBuilder().Build();

    private static void Add(Dictionary<string, List<PlannedBackend>> byPlugin, string plugin, PlannedBackend planned)
    {
        if (!byPlugin.TryGetValue(plugin, out var list)) byPlugin[plugin] = list = [];
        list.Add(planned);
    }
}
