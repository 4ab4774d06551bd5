namespace PluginHost.Plugins.Llm.Search;

/// <summary>The search tool the settings ask for (<c>Search:Provider</c>), or null when search is off.</summary>
internal static class SearchTools
{
    public static ISearchTool? Create(LlmSearchSettings settings, HttpClient http)
    {
        var provider = settings.Provider?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(provider) || provider == "none") return null;
        if (string.IsNullOrEmpty(settings.ApiKey))
            throw new InvalidOperationException($"The {provider} search needs a key: set GOOGLE_API_KEY or BING_SUBSCRIPTION_KEY (or Settings:Search:ApiKey).");
        var endpoint = string.IsNullOrWhiteSpace(settings.Endpoint) ? null : new Uri(settings.Endpoint);
        return provider switch
        {
            "google" => new GoogleSearchTool(http, settings.ApiKey, settings.EngineId is { Length: > 0 } cx ? cx
                : throw new InvalidOperationException("The google search needs the search engine id: set GOOGLE_CSE_ID (or Settings:Search:EngineId)."), endpoint),
            "bing" => new BingSearchTool(http, settings.ApiKey, endpoint),
            _ => throw new InvalidOperationException($"Unknown search provider '{settings.Provider}': use google, bing or none."),
        };
    }
}
