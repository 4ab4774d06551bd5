namespace PluginHost.Plugins.Llm;

/// <summary>Where the chat requests go: the provider's name, its OpenAI-compatible base URL, the model and the key.</summary>
internal sealed record LlmEndpoint(string Provider, Uri BaseUrl, string Model, string ApiKey, bool SendAzureKeyHeader)
{
    public static readonly Uri OpenAiUrl = new("https://api.openai.com/v1/");
    public static readonly Uri OllamaUrl = new("http://localhost:11434/v1/");

    /// <summary>How errors name the provider: <c>openai at https://api.openai.com/v1/</c> (never with the key).</summary>
    public string Description => $"{Provider} at {BaseUrl}";

    /// <summary>Resolves the settings; throws <see cref="InvalidOperationException"/> saying what is missing.</summary>
    public static LlmEndpoint From(LlmSettings settings)
    {
        var provider = (settings.Provider is { Length: > 0 } p ? p : "openai").Trim().ToLowerInvariant();
        switch (provider)
        {
            case "openai":
            {
                var url = Url(settings.BaseUrl, "OPENAI_BASE_URL") ?? OpenAiUrl;
                var own = url.Host.EndsWith("openai.com", StringComparison.OrdinalIgnoreCase);
                if (own && string.IsNullOrEmpty(settings.ApiKey))
                    throw new InvalidOperationException("OpenAI needs an API key: set OPENAI_API_KEY (or Backends:<name>:Settings:ApiKey).");
                var model = settings.Model is { Length: > 0 } m ? m
                    : own ? "gpt-4o-mini" : throw new InvalidOperationException("Set the model the endpoint serves: OPENAI_MODEL (or Settings:Model).");
                return new LlmEndpoint(provider, url, model, settings.ApiKey is { Length: > 0 } k ? k : "unused", false);
            }
            case "azure":
            {
                var resource = Url(settings.AzureEndpoint, "AZURE_OPENAI_ENDPOINT")
                    ?? throw new InvalidOperationException("Azure needs its resource endpoint: set AZURE_OPENAI_ENDPOINT, e.g. https://my-resource.openai.azure.com.");
                if (string.IsNullOrEmpty(settings.ApiKey))
                    throw new InvalidOperationException("Azure OpenAI needs an API key: set OPENAI_API_KEY (or Settings:ApiKey).");
                var deployment = settings.AzureDeployment is { Length: > 0 } d ? d : settings.Model is { Length: > 0 } m ? m
                    : throw new InvalidOperationException("Azure needs the deployment name: set AZURE_OPENAI_DEPLOYMENT (or OPENAI_MODEL).");
                // Azure's v1 API is OpenAI-compatible: <resource>/openai/v1/, the deployment as the model.
                var url = resource.AbsolutePath.Contains("/openai/", StringComparison.Ordinal) ? resource : new Uri(resource, "openai/v1/");
                return new LlmEndpoint(provider, url, deployment, settings.ApiKey, true);
            }
            case "ollama":
            {
                var url = Url(settings.BaseUrl, "OLLAMA_ENDPOINT") ?? OllamaUrl;
                var model = settings.Model is { Length: > 0 } m ? m
                    : throw new InvalidOperationException("Set the Ollama model: OPENAI_MODEL, e.g. llama3.2.");
                return new LlmEndpoint(provider, url, model, settings.ApiKey is { Length: > 0 } k ? k : "ollama", false);
            }
            default:
                throw new InvalidOperationException($"Unknown OPENAI_PROVIDER '{settings.Provider}': use openai (any OpenAI-compatible endpoint), azure or ollama.");
        }
    }

    private static Uri? Url(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"{name} must be an http(s) URL, not '{value}'.");
        // A trailing slash, so that relative paths (chat/completions) append instead of replacing the last segment.
        return uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
    }
}
