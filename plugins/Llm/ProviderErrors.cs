using System.ClientModel;
using System.Net;
using System.Text.Json;
using Polly.Timeout;
using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.Llm;

/// <summary>
/// Turns what the provider call threw into the answer the annotator sees: 502 naming the provider and the HTTP status
/// it answered (with its own error message), 504 when it did not answer in time, 502 when it could not be reached.
/// The API key is cut out of every message, whatever the provider echoed.
/// </summary>
internal static class ProviderErrors
{
    public static BackendException? Translate(Exception exception, LlmEndpoint endpoint, LlmSettings settings)
    {
        var attempts = settings.MaxRetries + 1;
        string? message = exception switch
        {
            ClientResultException { Status: > 0 } e => $"The LLM provider ({endpoint.Description}) answered HTTP {e.Status} {Reason(e.Status)}"
                + (Retried(e.Status) && attempts > 1 ? $" after {attempts} attempts" : "") + ProviderMessage(e),
            _ when IsTimeout(exception) =>
                $"The LLM provider ({endpoint.Description}) did not answer within {settings.TimeoutSeconds:0.#} s (TimeoutSeconds), {attempts} attempt(s).",
            _ when Find<HttpRequestException>(exception) is { } e =>
                $"The LLM provider ({endpoint.Description}) could not be reached: {e.HttpRequestError} ({e.Message}).",
            ClientResultException e => $"The LLM provider ({endpoint.Description}) failed: {e.Message}",
            AnswerFormatException e => $"The LLM provider ({endpoint.Description}) answered no usable annotation: {e.Message}",
            Search.SearchException e => e.Message,
            _ => null,
        };
        if (message is null) return null;
        var status = IsTimeout(exception) && exception is not ClientResultException { Status: > 0 } ? 504 : 502;
        return new BackendException(status, Redact(message, endpoint.ApiKey, settings.Search.ApiKey), exception is ClientResultException ? null : exception);
    }

    /// <summary>Cuts the keys out of a text (and anything after a <c>Bearer</c>).</summary>
    public static string Redact(string text, params string?[] secrets)
    {
        foreach (var secret in secrets)
            if (secret is { Length: >= 4 } s && s != "unused" && s != "ollama") text = text.Replace(s, "***", StringComparison.Ordinal);
        return text;
    }

    /// <summary>An attempt ran out of time (the resilience handler's timeout), or the whole call did (the client's
    /// network timeout); the caller's own cancellation is told apart before this is asked.</summary>
    private static bool IsTimeout(Exception exception) =>
        Find<TimeoutRejectedException>(exception) is not null || Find<TaskCanceledException>(exception) is not null;

    private static bool Retried(int status) => status is 408 or 429 or >= 500;

    private static string Reason(int status) => Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : "";

    /// <summary>The provider's <c>{"error":{"message":…}}</c>, as OpenAI-compatible servers write it.</summary>
    private static string ProviderMessage(ClientResultException exception)
    {
        try
        {
            var body = exception.GetRawResponse()?.Content;
            if (body is null || body.ToMemory().Length == 0) return ".";
            using var document = JsonDocument.Parse(body.ToMemory());
            var root = document.RootElement;
            var error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) ? e : root;
            var message = error.ValueKind switch
            {
                JsonValueKind.Object when error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String => m.GetString(),
                JsonValueKind.String => error.GetString(),
                _ => null,
            };
            return message is { Length: > 0 } ? $": {(message.Length > 500 ? message[..500] + "…" : message)}" : ".";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return ".";
        }
    }

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is T match) return match;
        return null;
    }
}
