namespace PluginHost.Plugins.Llm.Search;

/// <summary>One search hit: what the model reads (title, snippet) and what the annotator sees as a source (URL).</summary>
public sealed record SearchResult(string Title, string Url, string Snippet);
