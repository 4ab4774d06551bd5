namespace PluginHost.Plugins.Llm;

/// <summary><c>Backends:llm:Settings:Search</c>: the web search tool the model may call, off unless a provider is set.</summary>
public sealed class LlmSearchSettings
{
    /// <summary><c>google</c> (Programmable Search), <c>bing</c> or empty for none (<c>SEARCH_PROVIDER</c>).</summary>
    public string? Provider { get; set; }

    /// <summary>The search API key (<c>GOOGLE_API_KEY</c> or <c>BING_SUBSCRIPTION_KEY</c>); never logged nor echoed.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Google's search engine id, <c>cx</c> (<c>GOOGLE_CSE_ID</c>).</summary>
    public string? EngineId { get; set; }

    /// <summary>The API address; empty: the provider's own (<c>BING_SEARCH_URL</c> for Bing).</summary>
    public string? Endpoint { get; set; }

    /// <summary>Results per search.</summary>
    public int MaxResults { get; set; } = 5;

    /// <summary>Model ↔ tool round trips per task before the model must answer.</summary>
    public int MaxToolCalls { get; set; } = 4;

    public double TimeoutSeconds { get; set; } = 15;
}
