namespace PluginHost.Plugins.Llm.Search;

/// <summary>A search failed; the message names the provider and its HTTP status, never the key.</summary>
public sealed class SearchException(string message, Exception? inner = null) : Exception(message, inner);
