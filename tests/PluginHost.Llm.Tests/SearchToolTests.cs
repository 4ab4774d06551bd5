using PluginHost.Plugins.Llm;
using PluginHost.Tests.Shared;

namespace PluginHost.Llm.Tests;

/// <summary>The tool-calling loop (the search-agent example) with fake Google and Bing endpoints.</summary>
public sealed class SearchToolTests
{
    private const string Config = """
        <View>
          <Text name="text" value="$text"/>
          <TextArea name="prompt" toName="text"/>
          <Choices name="era" toName="text"><Choice value="Before 1900"/><Choice value="After 1900"/></Choices>
          <TextArea name="sources" toName="text"/>
        </View>
        """;

    [Theory]
    [InlineData("google", "https://en.wikipedia.org/wiki/Ada_Lovelace")]
    [InlineData("bing", "https://www.britannica.com/biography/Ada-Lovelace")]
    public async Task The_model_searches_reads_the_results_and_the_sources_come_back_in_a_TextArea(string provider, string expectedSource)
    {
        const string searchKey = "search-key-0123456789SECRET";
        await using var searching = await LlmTestKit.StartAsync((s, fake) =>
        {
            s.Search.Provider = provider;
            s.Search.ApiKey = searchKey;
            s.Search.EngineId = "engine-42";
            s.Search.Endpoint = provider == "google" ? $"{fake.Url}/customsearch/v1" : $"{fake.Url}/v7.0/search";
        });
        searching.Fake.Responder = r => r.HasToolResult
            ? (r.Messages.Last()!["content"]!.ToString().Contains(expectedSource) ? FakeChatReply.Json(new { era = "Before 1900" }) : FakeChatReply.Json(new { era = "After 1900" }))
            : FakeChatReply.ToolCall("web_search", new { query = "When did Ada Lovelace live?" });

        var prediction = Assert.Single(await searching.PredictAsync(Config, [new { text = "Ada Lovelace" }]));

        Assert.Equal(["Before 1900"], prediction.Result.Single(r => r.FromName == "era").Value!.Choices);
        var sources = prediction.Result.Single(r => r.FromName == "sources").Value!.TextLines!;
        Assert.Contains(sources, s => s.EndsWith(expectedSource, StringComparison.Ordinal));
        LlmTestKit.AssertValid(prediction, Config);
        var search = Assert.Single(searching.Fake.SearchRequests);
        Assert.Equal((provider, "When did Ada Lovelace live?", searchKey), (search.Provider, search.Query, search.Key));
        if (provider == "google") Assert.Equal("engine-42", search.EngineId);
        var first = searching.Fake.ChatRequests.First();
        Assert.Equal("web_search", (string?)first.Body["tools"]![0]!["function"]!["name"]);
        Assert.Equal(2, searching.Fake.ChatRequests.Count);
        Assert.All(searching.Logger.Lines, l => Assert.DoesNotContain(searchKey, l));
    }

    [Fact]
    public async Task Without_a_search_provider_no_tools_are_offered()
    {
        await using var kit = await LlmTestKit.StartAsync();
        kit.Fake.Responder = _ => FakeChatReply.Json(new { era = "After 1900" });

        var prediction = Assert.Single(await kit.PredictAsync(Config, [new { text = "Grace Hopper" }]));

        Assert.Null(kit.Fake.ChatRequests.Single().Body["tools"]);
        Assert.DoesNotContain(prediction.Result, r => r.FromName == "sources");
        Assert.Null(kit.Backend.HealthError);
    }

    [Fact]
    public void A_search_provider_without_its_key_makes_the_backend_unhealthy_with_the_variable_to_set()
    {
        var settings = new LlmSettings { BaseUrl = "http://127.0.0.1:9/v1", Model = "m" };
        settings.Search.Provider = "google";
        var error = Assert.Throws<InvalidOperationException>(() => PluginHost.Plugins.Llm.Search.SearchTools.Create(settings.Search, new HttpClient()));
        Assert.Contains("GOOGLE_API_KEY", error.Message);
    }
}
