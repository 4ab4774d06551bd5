using System.Text.Json;

namespace PluginHost.Plugins.Llm.Search;

/// <summary>Bing Web Search v7: <c>GET {endpoint}?q=…&amp;count=…</c> with <c>Ocp-Apim-Subscription-Key</c> → <c>webPages.value[]</c>.</summary>
public sealed class BingSearchTool(HttpClient http, string apiKey, Uri? endpoint = null) : ISearchTool
{
    public static readonly Uri DefaultEndpoint = new("https://api.bing.microsoft.com/v7.0/search");

    public string Name => "bing";

    public async Task<IReadOnlyList<SearchResult>> SearchAsync(string query, int count, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{endpoint ?? DefaultEndpoint}?q={Uri.EscapeDataString(query)}&count={Math.Clamp(count, 1, 50)}");
        request.Headers.Add("Ocp-Apim-Subscription-Key", apiKey);
        using var document = await SearchHttp.GetJsonAsync(http, request, Name, cancellationToken).ConfigureAwait(false);
        if (!document.RootElement.TryGetProperty("webPages", out var pages) || !pages.TryGetProperty("value", out var items)
            || items.ValueKind != JsonValueKind.Array) return [];
        return items.EnumerateArray()
            .Select(i => new SearchResult(SearchHttp.Text(i, "name"), SearchHttp.Text(i, "url"), SearchHttp.Text(i, "snippet")))
            .Where(r => r.Url.Length > 0)
            .ToList();
    }
}
