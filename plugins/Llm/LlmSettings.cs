using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.Llm;

/// <summary>
/// <c>Backends:llm:Settings</c>. Each value left empty here is taken from the Python example's environment name
/// (<see cref="LlmEnvironment"/>): <c>OPENAI_API_KEY</c>, <c>OPENAI_BASE_URL</c>, <c>OPENAI_PROVIDER</c>, <c>OPENAI_MODEL</c>…
/// </summary>
[BackendSettings]
public sealed class LlmSettings
{
    /// <summary><c>openai</c> (any OpenAI-compatible endpoint), <c>azure</c> or <c>ollama</c> (<c>OPENAI_PROVIDER</c>).</summary>
    public string? Provider { get; set; }

    /// <summary>The key (<c>OPENAI_API_KEY</c>); never logged nor echoed. Ollama and local servers need none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The OpenAI-compatible base URL, e.g. <c>http://localhost:11434/v1</c> (<c>OPENAI_BASE_URL</c>,
    /// <c>OLLAMA_ENDPOINT</c>). Empty: OpenAI's own.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>The Azure OpenAI resource, e.g. <c>https://my-resource.openai.azure.com</c> (<c>AZURE_OPENAI_ENDPOINT</c>).</summary>
    public string? AzureEndpoint { get; set; }

    /// <summary>The Azure deployment (<c>AZURE_OPENAI_DEPLOYMENT</c>, <c>AZURE_DEPLOYMENT_NAME</c>): the model name Azure expects.</summary>
    public string? AzureDeployment { get; set; }

    /// <summary>The model (<c>OPENAI_MODEL</c>).</summary>
    public string? Model { get; set; }

    /// <summary><c>TEMPERATURE</c>; null leaves the provider's default.</summary>
    public float? Temperature { get; set; }

    /// <summary>Most tokens one answer may have (<c>MAX_TOKENS</c>); null leaves the provider's default.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>One attempt's time limit (<c>OPENAI_TIMEOUT</c>); a slower answer is retried, then answered 504.</summary>
    public double TimeoutSeconds { get; set; } = 60;

    /// <summary>Retries after a 429, a 5xx, a timeout or a broken connection (<c>OPENAI_MAX_RETRIES</c>).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; it doubles (with jitter). A <c>Retry-After</c> header wins.</summary>
    public double RetryDelaySeconds { get; set; } = 1;

    /// <summary>The longest wait before a retry, even when the provider's <c>Retry-After</c> asks for more.</summary>
    public double MaxRetryDelaySeconds { get; set; } = 30;

    /// <summary>Requests to the provider in flight at once for this backend, over all projects and requests
    /// (<c>OPENAI_MAX_CONCURRENCY</c>): a batch of 1,000 tasks opens this many, not 1,000.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>The prompt a project starts with until an annotator writes one (<c>DEFAULT_PROMPT</c>: the text, or
    /// the path of a file holding it). <c>{text}</c>, any task field <c>{field}</c> and <c>{labels}</c> are filled in.</summary>
    public string? DefaultPrompt { get; set; }

    /// <summary>The prompt <c>TextArea</c> is the first whose name starts with this (<c>PROMPT_PREFIX</c>).</summary>
    public string PromptPrefix { get; set; } = "prompt";

    /// <summary>A <c>TextArea</c> whose name starts with this receives the sources the search tool used.</summary>
    public string SourcesPrefix { get; set; } = "sources";

    /// <summary><c>json_schema</c> (structured output, the default) or <c>json_object</c> (JSON mode with the schema in
    /// the instructions, for servers without structured output) (<c>OPENAI_RESPONSE_FORMAT</c>).</summary>
    public string ResponseFormat { get; set; } = "json_schema";

    /// <summary>USD per million input tokens, for the cost counter (<c>OPENAI_INPUT_COST_PER_MTOK</c>).</summary>
    public double InputCostPerMillionTokens { get; set; }

    /// <summary>USD per million output tokens, for the cost counter (<c>OPENAI_OUTPUT_COST_PER_MTOK</c>).</summary>
    public double OutputCostPerMillionTokens { get; set; }

    /// <summary>The optional web search the model may call (the search-agent example).</summary>
    public LlmSearchSettings Search { get; set; } = new();
}
