using PluginHost.Sdk.LabelConfigs;

namespace PluginHost.Training;

/// <summary>A fingerprint of a config's controls and their labels: a different one means the model learned other labels.</summary>
public static class LabelsSignature
{
    public static string Of(LabelConfig config) => string.Join(";", config.Controls
        .OrderBy(c => c.Name, StringComparer.Ordinal)
        .Select(c => $"{c.Name}:{c.Type}=[{string.Join("|", c.LabelValues.Order(StringComparer.Ordinal))}]"));
}
