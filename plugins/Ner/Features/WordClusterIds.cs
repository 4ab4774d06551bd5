namespace PluginHost.Plugins.Ner.Features;

/// <summary>A word's cluster ids, one per granularity: <see cref="First"/> of the whole word (then <see cref="Last"/> is
/// null) or of its first word piece, <see cref="Last"/> of its last word piece.</summary>
public readonly record struct WordClusterIds(int[] First, int[]? Last)
{
    public bool IsWholeWord => Last is null;
}
