using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Http.Resilience;
using OpenAI;
using Polly;

namespace PluginHost.Plugins.Llm;

/// <summary>
/// Builds the <see cref="IChatClient"/> of a backend: OpenAI's client over one <see cref="HttpClient"/> whose handler
/// retries 429/5xx/timeouts with exponential backoff honouring <c>Retry-After</c> and limits each attempt's time
/// (Microsoft.Extensions.Http.Resilience). The OpenAI client's own retries are off, so there is one retry policy.
/// </summary>
internal static class ChatClientFactory
{
    public static (IChatClient Client, HttpClient Http) Create(LlmEndpoint endpoint, LlmSettings settings)
    {
        var http = new HttpClient(CreateHandler(endpoint, settings), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint.BaseUrl,
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // The resilience handler limits each attempt; this only bounds the whole call.
            NetworkTimeout = TimeSpan.FromSeconds(settings.TimeoutSeconds * (settings.MaxRetries + 1) + settings.MaxRetryDelaySeconds * settings.MaxRetries + 5),
        };
        var chat = new OpenAI.Chat.ChatClient(endpoint.Model, new ApiKeyCredential(endpoint.ApiKey), options).AsIChatClient();
        var client = new ChatClientBuilder(chat)
            .UseFunctionInvocation(configure: f => f.MaximumIterationsPerRequest = Math.Max(1, settings.Search.MaxToolCalls))
            .Build();
        return (client, http);
    }

    private static HttpMessageHandler CreateHandler(LlmEndpoint endpoint, LlmSettings settings)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (settings.MaxRetries > 0)
        {
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(settings.RetryDelaySeconds),
                MaxDelay = TimeSpan.FromSeconds(settings.MaxRetryDelaySeconds),
                // Retry-After read here rather than with ShouldRetryAfterHeader, so that MaxRetryDelaySeconds caps it.
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, TimeSpan.FromSeconds(settings.MaxRetryDelaySeconds))),
            });
        }
        pipeline.AddTimeout(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        HttpMessageHandler handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        // Azure accepts its key as the api-key header; OpenAI's client sends it as a bearer token too.
        if (endpoint.SendAzureKeyHeader) handler = new AzureKeyHandler(endpoint.ApiKey) { InnerHandler = handler };
        return new ResilienceHandler(pipeline.Build()) { InnerHandler = handler };
    }

    /// <summary>The provider's <c>Retry-After</c> (seconds or a date), at most <paramref name="max"/>; null: use the backoff.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeSpan max)
    {
        var header = response?.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (delay is not { } wait) return null;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > max ? max : wait;
    }

    private sealed class AzureKeyHandler(string apiKey) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Remove("api-key");
            request.Headers.Add("api-key", apiKey);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
