using System.Text.Json;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Tests.Shared;
using static PluginHost.Tests.LabelStudioRequests;

namespace PluginHost.Tests;

/// <summary>The built-in <c>llm</c> plugin over real HTTP (loaded from artifacts/plugins/llm) against a fake provider.</summary>
public sealed class LlmHttpTests
{
    private const string ApiKey = "sk-http-test-9876543210SECRET";

    private const string Config = """
        <View>
          <Text name="text" value="$text"/>
          <TextArea name="prompt" toName="text" editable="true" rows="2" maxSubmissions="1" showSubmitButton="false"/>
          <Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices>
        </View>
        """;

    private static Dictionary<string, string?> Settings(FakeOpenAi fake, string modelDir) => new()
    {
        ["PluginHost:ModelDir"] = modelDir,
        ["Backends:llm:Settings:BaseUrl"] = fake.BaseUrl,
        ["Backends:llm:Settings:ApiKey"] = ApiKey,
        ["Backends:llm:Settings:Model"] = "fake-model",
        ["Backends:llm:Settings:MaxRetries"] = "1",
        ["Backends:llm:Settings:RetryDelaySeconds"] = "0.01",
    };

    private static string Interactive(string text, string prompt) =>
        """{"tasks":[{"id":501,"data":{"text":""" + Escape(text) + """},"meta":{},"annotations":[],"drafts":[],"predictions":[],"project":4}],"""
        + """ "project":"4.1712586036","label_config":""" + Escape(Config) + ","
        + """ "params":{"login":null,"password":null,"context":{"annotation_id":null,"draft_id":0,"user_id":1,"""
        + """ "result":[{"id":"pr1","from_name":"prompt","to_name":"text","type":"textarea","origin":"manual","value":{"text":[""" + Escape(prompt) + "]}}]}}}";

    [Fact]
    public async Task Interactive_prompt_is_answered_stored_for_the_project_and_used_by_batch_predictions_after_a_restart()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.Responder = r => r.TextOf("user").StartsWith("Be strict", StringComparison.Ordinal)
            ? FakeChatReply.Json(new { sentiment = "Negative" })
            : FakeChatReply.Json(new { sentiment = "Positive" });
        var modelDir = TempDirs.Create("llm-models");

        await using (var host = await RunningHost.StartAsync(Settings(fake, modelDir)))
        {
            var (healthStatus, health) = await host.GetAsync("/llm/health");
            Assert.Equal(200, healthStatus);
            Assert.Equal("UP", (string?)health["status"]);

            var (status, body) = await host.PostAsync("/llm/predict", Interactive("It was fine, I guess.", "Be strict: {text}"));

            Assert.Equal(200, status);
            var prediction = Assert.Single(body["results"]!.AsArray())!;
            Assert.Equal("llm-openai-fake-model", (string?)prediction["model_version"]);
            var result = prediction["result"]!.AsArray();
            Assert.Equal(["textarea", "choices"], result.Select(r => (string)r!["type"]!));
            Assert.Equal("Negative", (string?)result[1]!["value"]!["choices"]![0]);
            using var json = JsonDocument.Parse(prediction.ToJsonString());
            Assert.Empty(PredictionValidator.Validate(json.RootElement, LabelConfig.Parse(Config)));
        }

        await using (var restarted = await RunningHost.StartAsync(Settings(fake, modelDir)))
        {
            var (status, body) = await restarted.PostAsync("/llm/predict", Batch(["Meh.", "Could be better."], Config, project: "4.1712586036"));

            Assert.Equal(200, status);
            Assert.All(body["results"]!.AsArray(), p => Assert.Equal("Negative", (string?)p!["result"]!.AsArray().Single(r => (string?)r!["type"] == "choices")!["value"]!["choices"]![0]));
        }
        // The interactive prompt answered its task and, read back from the project's state after the restart, the batch.
        string[] expected = ["Be strict: Could be better.", "Be strict: It was fine, I guess.", "Be strict: Meh."];
        Assert.Equal(expected, fake.ChatRequests.Select(r => r.TextOf("user")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_provider_that_keeps_answering_429_is_a_502_JSON_error_naming_the_status_without_the_key()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.Responder = _ => FakeChatReply.Error(429, $"Rate limit reached for key {ApiKey}", new Dictionary<string, string> { ["Retry-After"] = "0" });
        await using var host = await RunningHost.StartAsync(Settings(fake, TempDirs.Create("llm-models")));

        using var response = await host.PostJsonAsync("/llm/predict", Batch(["Hello"], Config));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(502, body.GetProperty("status").GetInt32());
        Assert.Equal("llm", body.GetProperty("backend").GetString());
        Assert.Contains("answered HTTP 429 TooManyRequests after 2 attempts: Rate limit reached", body.GetProperty("detail").GetString());
        Assert.DoesNotContain(ApiKey, text);
        Assert.Equal(2, fake.ChatRequests.Count);
    }
}
