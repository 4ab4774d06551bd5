namespace PluginHost.Plugins.Ner.Training;

// Plain data with no other dependency: the host's HTTP tests compile this file (linked) with the synthetic corpus.

/// <summary>An entity as Label Studio stores it: character offsets [Start, End) and a label name.</summary>
public readonly record struct CharSpan(int Start, int End, string Label);

/// <summary>A text with its annotated entities (possibly none: an all-O example is a useful negative).</summary>
public sealed record AnnotatedText(string Text, IReadOnlyList<CharSpan> Spans);
