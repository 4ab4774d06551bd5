namespace PluginHost.Plugins.Llm.Search;

/// <summary>
/// A web search the model may call while it labels (the search-agent example). Implementations must be thread-safe
/// and must never put their key in an exception message or a log line.
/// </summary>
public interface ISearchTool
{
    /// <summary>The provider's name, for logs and errors (<c>google</c>, <c>bing</c>).</summary>
    string Name { get; }

    Task<IReadOnlyList<SearchResult>> SearchAsync(string query, int count, CancellationToken cancellationToken);
}
