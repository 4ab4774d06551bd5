using System.Collections.Frozen;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Projects;

/// <summary>
/// An immutable copy of one project's state as this process last saw it. Everything derived from it (the parsed
/// extra params) is computed once per snapshot, so the request path never parses JSON again for the same state.
/// </summary>
public sealed class ProjectSnapshot
{
    private readonly Lazy<ExtraParams> _extraParams;

    public ProjectSnapshot(ProjectKey key, IReadOnlyDictionary<string, string> values)
    {
        Key = key;
        Values = values.ToFrozenDictionary(StringComparer.Ordinal);
        _extraParams = new Lazy<ExtraParams>(() => Get(ProjectValueNames.ExtraParams) is { Length: > 0 } json ? ExtraParams.Parse(json) : ExtraParams.Empty);
    }

    public static ProjectSnapshot Empty(ProjectKey key) => new(key, new Dictionary<string, string>());

    public ProjectKey Key { get; }

    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>The label config XML stored for the project, or null.</summary>
    public string? LabelConfigXml => Get(ProjectValueNames.LabelConfig) is { Length: > 0 } xml ? xml : null;

    public ExtraParams ExtraParams => _extraParams.Value;

    public string? Get(string name) => Values.GetValueOrDefault(name);

    /// <summary>A counter's value (0 when never set or not a number).</summary>
    public long Counter(string name) => long.TryParse(Get(name), System.Globalization.NumberStyles.AllowLeadingSign,
        System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <summary>This snapshot with one value replaced.</summary>
    public ProjectSnapshot With(string name, string value) =>
        new(Key, new Dictionary<string, string>(Values, StringComparer.Ordinal) { [name] = value });
}
