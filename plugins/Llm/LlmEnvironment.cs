using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace PluginHost.Plugins.Llm;

/// <summary>
/// The Python example's environment names, so a Label Studio user moving over keeps their <c>docker-compose</c>
/// variables. A setting written in the backend's <c>Settings</c> section wins over its variable.
/// </summary>
internal static class LlmEnvironment
{
    private sealed record Variable(string Setting, string[] Names, Action<LlmSettings, string> Apply);

    private static readonly Variable[] Variables =
    [
        new("Provider", ["OPENAI_PROVIDER"], (s, v) => s.Provider = v),
        new("ApiKey", ["OPENAI_API_KEY"], (s, v) => s.ApiKey = v),
        new("BaseUrl", ["OPENAI_BASE_URL", "OLLAMA_ENDPOINT"], (s, v) => s.BaseUrl = v),
        new("AzureEndpoint", ["AZURE_OPENAI_ENDPOINT", "AZURE_RESOURCE_ENDPOINT"], (s, v) => s.AzureEndpoint = v),
        new("AzureDeployment", ["AZURE_OPENAI_DEPLOYMENT", "AZURE_DEPLOYMENT_NAME"], (s, v) => s.AzureDeployment = v),
        new("Model", ["OPENAI_MODEL"], (s, v) => s.Model = v),
        new("Temperature", ["TEMPERATURE"], (s, v) => s.Temperature = float.Parse(v, CultureInfo.InvariantCulture)),
        new("MaxTokens", ["MAX_TOKENS"], (s, v) => s.MaxTokens = int.Parse(v, CultureInfo.InvariantCulture)),
        new("TimeoutSeconds", ["OPENAI_TIMEOUT"], (s, v) => s.TimeoutSeconds = double.Parse(v, CultureInfo.InvariantCulture)),
        new("MaxRetries", ["OPENAI_MAX_RETRIES"], (s, v) => s.MaxRetries = int.Parse(v, CultureInfo.InvariantCulture)),
        new("MaxConcurrency", ["OPENAI_MAX_CONCURRENCY"], (s, v) => s.MaxConcurrency = int.Parse(v, CultureInfo.InvariantCulture)),
        new("DefaultPrompt", ["DEFAULT_PROMPT"], (s, v) => s.DefaultPrompt = v),
        new("PromptPrefix", ["PROMPT_PREFIX"], (s, v) => s.PromptPrefix = v),
        new("ResponseFormat", ["OPENAI_RESPONSE_FORMAT"], (s, v) => s.ResponseFormat = v),
        new("InputCostPerMillionTokens", ["OPENAI_INPUT_COST_PER_MTOK"], (s, v) => s.InputCostPerMillionTokens = double.Parse(v, CultureInfo.InvariantCulture)),
        new("OutputCostPerMillionTokens", ["OPENAI_OUTPUT_COST_PER_MTOK"], (s, v) => s.OutputCostPerMillionTokens = double.Parse(v, CultureInfo.InvariantCulture)),
        new("Search:Provider", ["SEARCH_PROVIDER"], (s, v) => s.Search.Provider = v),
        new("Search:ApiKey", ["GOOGLE_API_KEY", "BING_SUBSCRIPTION_KEY"], (s, v) => s.Search.ApiKey = v),
        new("Search:EngineId", ["GOOGLE_CSE_ID"], (s, v) => s.Search.EngineId = v),
        new("Search:Endpoint", ["BING_SEARCH_URL"], (s, v) => s.Search.Endpoint = v),
    ];

    /// <summary>Fills every setting the section leaves unset from the first of its variables that is set.</summary>
    /// <exception cref="FormatException">A numeric variable holds no number; the message names the variable.</exception>
    public static void Apply(LlmSettings settings, IConfiguration section, IDictionary environment)
    {
        foreach (var variable in Variables)
        {
            if (!string.IsNullOrEmpty(section[variable.Setting])) continue;
            foreach (var name in variable.Names)
            {
                if (environment[name] is not string { Length: > 0 } value) continue;
                try
                {
                    variable.Apply(settings, value.Trim());
                }
                catch (FormatException)
                {
                    throw new FormatException($"The environment variable {name} must be a number, not '{value}'.");
                }
                break;
            }
        }
    }

    /// <summary><c>DEFAULT_PROMPT</c> may name a file holding the prompt, as in the Python example.</summary>
    public static string? ReadPrompt(string? prompt) =>
        prompt is { Length: > 0 and < 4096 } && !prompt.Contains('\n') && File.Exists(prompt) ? File.ReadAllText(prompt) : prompt;
}
