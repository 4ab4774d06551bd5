using System.Text.Json;

namespace PluginHost.Plugins.Llm.Search;

/// <summary>Google Programmable Search (Custom Search JSON API): <c>GET {endpoint}?key=…&amp;cx=…&amp;q=…&amp;num=…</c> → <c>items[]</c>.</summary>
public sealed class GoogleSearchTool(HttpClient http, string apiKey, string engineId, Uri? endpoint = null) : ISearchTool
{
    public static readonly Uri DefaultEndpoint = new("https://www.googleapis.com/customsearch/v1");

    public string Name => "google";

    public async Task<IReadOnlyList<SearchResult>> SearchAsync(string query, int count, CancellationToken cancellationToken)
    {
        var url = $"{endpoint ?? DefaultEndpoint}?key={Uri.EscapeDataString(apiKey)}&cx={Uri.EscapeDataString(engineId)}&q={Uri.EscapeDataString(query)}&num={Math.Clamp(count, 1, 10)}";
        using var document = await SearchHttp.GetJsonAsync(http, new HttpRequestMessage(HttpMethod.Get, url), Name, cancellationToken).ConfigureAwait(false);
        if (!document.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array) return [];
        return items.EnumerateArray()
            .Select(i => new SearchResult(SearchHttp.Text(i, "title"), SearchHttp.Text(i, "link"), SearchHttp.Text(i, "snippet")))
            .Where(r => r.Url.Length > 0)
            .ToList();
    }
}
