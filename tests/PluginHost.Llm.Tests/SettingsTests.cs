using System.Collections;
using Microsoft.Extensions.Configuration;
using PluginHost.Plugins.Llm;

namespace PluginHost.Llm.Tests;

/// <summary>The Python example's environment names and the provider resolution (OpenAI, Azure, Ollama).</summary>
public sealed class SettingsTests
{
    private static IConfiguration Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Environment_names_fill_what_the_settings_section_leaves_unset()
    {
        var settings = new LlmSettings { Model = "from-settings" };
        var environment = new Hashtable
        {
            ["OPENAI_API_KEY"] = "sk-env",
            ["OPENAI_BASE_URL"] = "http://127.0.0.1:8000/v1",
            ["OPENAI_MODEL"] = "from-env",
            ["TEMPERATURE"] = "0.2",
            ["OPENAI_MAX_CONCURRENCY"] = "7",
            ["GOOGLE_API_KEY"] = "g-key",
            ["GOOGLE_CSE_ID"] = "cx-1",
        };

        LlmEnvironment.Apply(settings, Section(("Model", "from-settings")), environment);

        Assert.Equal("sk-env", settings.ApiKey);
        Assert.Equal("http://127.0.0.1:8000/v1", settings.BaseUrl);
        Assert.Equal("from-settings", settings.Model);
        Assert.Equal(0.2f, settings.Temperature);
        Assert.Equal(7, settings.MaxConcurrency);
        Assert.Equal(("g-key", "cx-1"), (settings.Search.ApiKey, settings.Search.EngineId));
    }

    [Fact]
    public void A_variable_that_is_not_a_number_is_named_in_the_error()
    {
        var error = Assert.Throws<FormatException>(() => LlmEnvironment.Apply(new LlmSettings(), Section(), new Hashtable { ["MAX_TOKENS"] = "lots" }));
        Assert.Contains("MAX_TOKENS", error.Message);
    }

    [Fact]
    public void Providers_resolve_to_OpenAI_compatible_base_urls()
    {
        var openAi = LlmEndpoint.From(new LlmSettings { ApiKey = "k" });
        Assert.Equal(("https://api.openai.com/v1/", "gpt-4o-mini"), (openAi.BaseUrl.ToString(), openAi.Model));

        var azure = LlmEndpoint.From(new LlmSettings { Provider = "azure", ApiKey = "k", AzureEndpoint = "https://res.openai.azure.com", AzureDeployment = "gpt4o-prod" });
        Assert.Equal(("https://res.openai.azure.com/openai/v1/", "gpt4o-prod", true), (azure.BaseUrl.ToString(), azure.Model, azure.SendAzureKeyHeader));

        var ollama = LlmEndpoint.From(new LlmSettings { Provider = "ollama", Model = "llama3.2" });
        Assert.Equal(("http://localhost:11434/v1/", "llama3.2"), (ollama.BaseUrl.ToString(), ollama.Model));

        var local = LlmEndpoint.From(new LlmSettings { BaseUrl = "http://127.0.0.1:8080/v1", Model = "qwen" });
        Assert.Equal("http://127.0.0.1:8080/v1/", local.BaseUrl.ToString());
    }

    [Theory]
    [InlineData("openai", null, null, "OPENAI_API_KEY")]
    [InlineData("azure", "k", null, "AZURE_OPENAI_ENDPOINT")]
    [InlineData("ollama", null, null, "OPENAI_MODEL")]
    [InlineData("mistral", null, null, "Unknown OPENAI_PROVIDER")]
    public void Missing_settings_name_the_variable_to_set(string provider, string? key, string? model, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => LlmEndpoint.From(new LlmSettings { Provider = provider, ApiKey = key, Model = model }));
        Assert.Contains(expected, error.Message);
    }
}
