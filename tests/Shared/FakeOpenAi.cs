using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PluginHost.Tests.Shared;

/// <summary>One chat request the fake provider received: the parsed body and its headers.</summary>
public sealed record FakeChatRequest(JsonObject Body, string? Authorization, string? ApiKeyHeader, DateTimeOffset At)
{
    public JsonArray Messages => Body["messages"]!.AsArray();

    /// <summary>The text parts of the messages of <paramref name="role"/>, joined.</summary>
    public string TextOf(string role) => string.Join("\n", Messages.Where(m => (string?)m!["role"] == role).Select(m => m!["content"] switch
    {
        JsonValue v => (string?)v ?? "",
        JsonArray parts => string.Join("\n", parts.Where(p => (string?)p!["type"] == "text").Select(p => (string?)p!["text"])),
        _ => "",
    }));

    /// <summary>Whether the conversation already holds a tool's answer (second turn of a tool-calling loop).</summary>
    public bool HasToolResult => Messages.Any(m => (string?)m!["role"] == "tool");

    public string? ResponseFormatType => (string?)Body["response_format"]?["type"];
}

/// <summary>What the fake provider answers: a status, a body and headers, after an optional delay.</summary>
public sealed record FakeChatReply(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan Delay = default)
{
    /// <summary>A <c>chat.completion</c> whose message content is <paramref name="content"/>, with token usage.</summary>
    public static FakeChatReply Content(string content, int promptTokens = 100, int completionTokens = 20, TimeSpan delay = default) =>
        new(200, Completion(new JsonObject { ["role"] = "assistant", ["content"] = content }, "stop", promptTokens, completionTokens), null, delay);

    /// <summary>An answer whose content is <paramref name="answer"/> serialized as JSON (structured output).</summary>
    public static FakeChatReply Json(object answer, int promptTokens = 100, int completionTokens = 20, TimeSpan delay = default) =>
        Content(JsonSerializer.Serialize(answer), promptTokens, completionTokens, delay);

    /// <summary>The model calls a tool (<c>finish_reason: tool_calls</c>).</summary>
    public static FakeChatReply ToolCall(string name, object arguments, int promptTokens = 80, int completionTokens = 10)
    {
        var call = new JsonObject
        {
            ["id"] = "call_" + Guid.NewGuid().ToString("N")[..8],
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = name, ["arguments"] = JsonSerializer.Serialize(arguments) },
        };
        var message = new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = new JsonArray(call) };
        return new(200, Completion(message, "tool_calls", promptTokens, completionTokens));
    }

    /// <summary>An OpenAI-style error: <c>{"error":{"message":…,"type":…}}</c>.</summary>
    public static FakeChatReply Error(int status, string message, IReadOnlyDictionary<string, string>? headers = null, TimeSpan delay = default) =>
        new(status, new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "error", ["code"] = status } }.ToJsonString(), headers, delay);

    private static string Completion(JsonObject message, string finishReason, int promptTokens, int completionTokens) => new JsonObject
    {
        ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N")[..12],
        ["object"] = "chat.completion",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = "fake-model",
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finishReason }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens },
    }.ToJsonString();
}

/// <summary>
/// An OpenAI-compatible chat provider on 127.0.0.1 (real Kestrel, random port) for the LLM backend's tests:
/// <c>POST /v1/chat/completions</c> answered by a test-supplied responder (JSON answers, tool calls, errors, delays),
/// and fake Google Programmable Search (<c>GET /customsearch/v1</c>) and Bing (<c>GET /v7.0/search</c>) endpoints.
/// It records every request and the most requests it ever had in flight at once.
/// </summary>
public sealed class FakeOpenAi : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private int _inFlight;
    private int _maxInFlight;

    private FakeOpenAi()
    {
    }

    /// <summary>The OpenAI-compatible base URL, <c>http://127.0.0.1:port/v1</c>.</summary>
    public string BaseUrl => Url + "/v1";

    /// <summary>The server's base URL, without a trailing slash.</summary>
    public string Url => _server.Url;

    /// <summary>Answers each chat request; the default answers an empty JSON object.</summary>
    public Func<FakeChatRequest, FakeChatReply> Responder { get; set; } = _ => FakeChatReply.Json(new { });

    public ConcurrentQueue<FakeChatRequest> ChatRequests { get; } = new();

    /// <summary>Search requests as <c>provider query</c> with their key (query string <c>key</c> or Bing's header) and cx.</summary>
    public ConcurrentQueue<(string Provider, string Query, string? Key, string? EngineId)> SearchRequests { get; } = new();

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public static async Task<FakeOpenAi> StartAsync()
    {
        var fake = new FakeOpenAi();
        fake._server = await LoopbackServer.StartAsync(fake.HandleAsync);
        return fake;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (context.Request.Method == "POST" && path == "/v1/chat/completions")
        {
            await ChatAsync(context);
            return;
        }
        if (context.Request.Method == "GET" && path == "/customsearch/v1")
        {
            var q = context.Request.Query;
            SearchRequests.Enqueue(("google", q["q"].ToString(), q["key"].ToString(), q["cx"].ToString()));
            await WriteAsync(context, 200, new JsonObject
            {
                ["items"] = new JsonArray(
                    new JsonObject { ["title"] = "Ada Lovelace - Wikipedia", ["link"] = "https://en.wikipedia.org/wiki/Ada_Lovelace", ["snippet"] = "English mathematician (1815-1852)." },
                    new JsonObject { ["title"] = "Ada Lovelace biography", ["link"] = "https://example.org/ada", ["snippet"] = "First computer programmer." }),
            }.ToJsonString());
            return;
        }
        if (context.Request.Method == "GET" && path == "/v7.0/search")
        {
            SearchRequests.Enqueue(("bing", context.Request.Query["q"].ToString(), context.Request.Headers["Ocp-Apim-Subscription-Key"].ToString(), null));
            await WriteAsync(context, 200, new JsonObject
            {
                ["webPages"] = new JsonObject
                {
                    ["value"] = new JsonArray(
                        new JsonObject { ["name"] = "Ada Lovelace | Britannica", ["url"] = "https://www.britannica.com/biography/Ada-Lovelace", ["snippet"] = "British mathematician." }),
                },
            }.ToJsonString());
            return;
        }
        await WriteAsync(context, 404, """{"error":{"message":"not found"}}""");
    }

    private async Task ChatAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        for (var max = Volatile.Read(ref _maxInFlight); now > max; max = Volatile.Read(ref _maxInFlight))
            if (Interlocked.CompareExchange(ref _maxInFlight, now, max) == max) break;
        try
        {
            var body = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))!;
            var request = new FakeChatRequest(body, context.Request.Headers.Authorization.ToString(), context.Request.Headers["api-key"].ToString(), DateTimeOffset.UtcNow);
            ChatRequests.Enqueue(request);
            var reply = Responder(request);
            if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, context.RequestAborted);
            foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
            await WriteAsync(context, reply.Status, reply.Body);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (its timeout); nothing to answer.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, Encoding.UTF8, context.RequestAborted);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
