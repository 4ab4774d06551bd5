using System.Collections.Concurrent;
using PluginHost.Sdk.LabelConfigs;

namespace PluginHost.Backends;

/// <summary>
/// Parses each distinct label config once. Label Studio sends the same config with every request, so the request
/// path pays a dictionary lookup instead of an XML parse. Bounded: a flood of distinct configs just resets it.
/// </summary>
public sealed class LabelConfigCache
{
    private const int MaxEntries = 512;
    private readonly ConcurrentDictionary<string, LabelConfig> _parsed = new(StringComparer.Ordinal);

    /// <summary>The parsed config; throws <see cref="LabelConfigException"/> for a broken one.</summary>
    public LabelConfig Get(string xml)
    {
        if (_parsed.TryGetValue(xml, out var config)) return config;
        config = LabelConfig.Parse(xml);
        if (_parsed.Count >= MaxEntries) _parsed.Clear();
        _parsed.TryAdd(xml, config);
        return config;
    }
}
