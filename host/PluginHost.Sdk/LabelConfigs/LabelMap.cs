using System.Xml;

namespace PluginHost.Sdk.LabelConfigs;

/// <summary>
/// Maps a model's class names to config labels, as the Python SDK's <c>build_label_map</c>: first
/// <c>predicted_values</c>, then an exact match, then a case-insensitive match. Unmapped names map to null.
/// </summary>
public sealed class LabelMap
{
    private readonly Dictionary<string, string> _predicted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _insensitive = new(StringComparer.OrdinalIgnoreCase);

    internal LabelMap(IEnumerable<LabelDefinition> labels)
    {
        foreach (var label in labels)
        {
            foreach (var predicted in label.PredictedValues) _predicted.TryAdd(predicted, label.Value);
            _exact.Add(label.Value);
            _insensitive.TryAdd(label.Value, label.Value);
        }
    }

    /// <summary>The config label for a model name, or null when the config has none.</summary>
    public string? Map(string modelName)
    {
        if (_predicted.TryGetValue(modelName, out var label)) return label;
        if (_exact.Contains(modelName)) return modelName;
        return _insensitive.GetValueOrDefault(modelName);
    }
}
