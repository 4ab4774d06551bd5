namespace PluginHost.Plugins;

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
