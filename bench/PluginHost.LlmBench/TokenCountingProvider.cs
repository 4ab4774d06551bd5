using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;
using PluginHost.TextClassifierBench;
using PluginHost.Tests.Shared;

namespace PluginHost.LlmBench;

/// <summary>
/// A stand-in for an OpenAI-compatible provider: answers each task's gold label as structured output after a fixed
/// latency, and reports usage counted as OpenAI's chat format does for gpt-4o-class models (o200k_base): per message 3
/// tokens + role + content, 3 to prime the reply, plus the response-format schema, which the provider puts in the prompt.
/// </summary>
internal sealed class TokenCountingProvider : IAsyncDisposable
{
    private readonly Tokenizer _tokenizer = TiktokenTokenizer.CreateForModel("gpt-4o");

    private TokenCountingProvider(FakeOpenAi fake) => Fake = fake;

    public FakeOpenAi Fake { get; }

    public static async Task<TokenCountingProvider> StartAsync(IReadOnlyList<Message> messages, string prompt, TimeSpan latency)
    {
        var gold = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var message in messages) gold[prompt.Replace("{text}", message.Text, StringComparison.Ordinal)] = message.Label;
        var provider = new TokenCountingProvider(await FakeOpenAi.StartAsync());
        provider.Fake.Responder = request =>
        {
            var label = gold.GetValueOrDefault(request.TextOf("user"), "Ham");
            var answer = System.Text.Json.JsonSerializer.Serialize(new { label });
            return FakeChatReply.Content(answer, provider.PromptTokens(request), provider._tokenizer.CountTokens(answer), latency);
        };
        return provider;
    }

    private int PromptTokens(FakeChatRequest request)
    {
        var tokens = 3;
        foreach (var message in request.Messages)
            tokens += 3 + _tokenizer.CountTokens((string?)message!["role"] ?? "") + _tokenizer.CountTokens(Content(message["content"]));
        if (request.Body["response_format"]?["json_schema"] is { } schema) tokens += _tokenizer.CountTokens(schema.ToJsonString());
        return tokens;
    }

    private static string Content(JsonNode? content) => content switch
    {
        JsonValue value => (string?)value ?? "",
        JsonArray parts => string.Concat(parts.Select(p => (string?)p?["text"] ?? "")),
        _ => "",
    };

    public ValueTask DisposeAsync() => Fake.DisposeAsync();
}
