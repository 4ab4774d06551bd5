using Microsoft.ML.Data;

namespace PluginHost.Plugins.Ner.Model;

/// <summary>A token as the ML.NET pipeline sees it at prediction time.</summary>
internal sealed class TokenFeatures
{
    [VectorType]
    public string[] Features { get; set; } = [];
}

/// <summary>A training token: its features and its gold tag index. Loaded from memory as a key of count K, ML.NET reads
/// the raw value zero-based, so Score slot i is tag i (checked by a test).</summary>
internal sealed class TaggedToken
{
    [VectorType]
    public string[] Features { get; set; } = [];

    public uint Label { get; set; }
}
