using System.Diagnostics;
using System.Diagnostics.Metrics;
using PluginHost.Sdk.Backends;
using PluginHost.Tests.Shared;

namespace PluginHost.Llm.Tests;

/// <summary>Limits, retries, timeouts, failures and metrics against the fake provider over real HTTP.</summary>
public sealed class RobustnessTests
{
    [Fact]
    public async Task A_large_batch_never_has_more_calls_in_flight_than_the_limit_even_with_two_requests_at_once()
    {
        await using var kit = await LlmTestKit.StartAsync(s => s.MaxConcurrency = 3);
        kit.Fake.Responder = _ => FakeChatReply.Json(new { sentiment = "Positive" }, delay: TimeSpan.FromMilliseconds(50));
        var texts = Enumerable.Range(0, 60).Select(i => new { text = $"text {i}" }).ToList();

        var both = await Task.WhenAll(
            kit.PredictAsync(MappingTests.Classification, texts),
            kit.PredictAsync(MappingTests.Classification, texts.Take(20)));

        Assert.Equal(60, both[0].Count);
        Assert.Equal(20, both[1].Count);
        Assert.All(both.SelectMany(p => p), p => Assert.Equal(["Positive"], p.Result.Single(r => r.Type == "choices").Value!.Choices));
        Assert.Equal(80, kit.Fake.ChatRequests.Count);
        Assert.Equal(3, kit.Fake.MaxInFlight);
    }

    [Fact]
    public async Task A_429_is_retried_after_its_Retry_After_and_then_succeeds()
    {
        await using var kit = await LlmTestKit.StartAsync(s => s.RetryDelaySeconds = 0.01);
        var calls = 0;
        kit.Fake.Responder = _ => Interlocked.Increment(ref calls) == 1
            ? FakeChatReply.Error(429, "Rate limit reached for requests", new Dictionary<string, string> { ["Retry-After"] = "1" })
            : FakeChatReply.Json(new { sentiment = "Negative" });

        var prediction = Assert.Single(await kit.PredictAsync(MappingTests.Classification, [new { text = "Slow down" }]));

        Assert.Equal(["Negative"], prediction.Result.Single(r => r.Type == "choices").Value!.Choices);
        var requests = kit.Fake.ChatRequests.ToList();
        Assert.Equal(2, requests.Count);
        // The 10 ms backoff would retry at once; Retry-After: 1 makes it wait a second.
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(900), $"retried after {(requests[1].At - requests[0].At).TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData("2", 2.0)]
    [InlineData("3600", 30.0)]     // capped at MaxRetryDelaySeconds
    [InlineData(null, null)]       // no header: the exponential backoff decides
    public void Retry_After_is_honoured_up_to_the_cap(string? header, double? expectedSeconds)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        if (header is not null) response.Headers.TryAddWithoutValidation("Retry-After", header);

        var delay = PluginHost.Plugins.Llm.ChatClientFactory.RetryAfter(response, TimeSpan.FromSeconds(30));

        Assert.Equal(expectedSeconds, delay?.TotalSeconds);
    }

    [Fact]
    public async Task A_failing_provider_is_a_502_naming_its_status_after_the_retries_and_the_key_is_never_shown()
    {
        await using var kit = await LlmTestKit.StartAsync(s => s.MaxRetries = 2);
        kit.Fake.Responder = _ => FakeChatReply.Error(503, $"Overloaded. Incorrect API key provided: {LlmTestKit.ApiKey}");

        var error = await Assert.ThrowsAsync<BackendException>(() => kit.PredictAsync(MappingTests.Classification, [new { text = "x" }]));

        Assert.Equal(502, error.StatusCode);
        Assert.Contains("answered HTTP 503 ServiceUnavailable after 3 attempts", error.Message);
        Assert.Contains("Overloaded", error.Message);
        Assert.Contains($"openai at {kit.Fake.BaseUrl}/", error.Message);
        Assert.DoesNotContain(LlmTestKit.ApiKey, error.ToString());
        Assert.Equal(3, kit.Fake.ChatRequests.Count);
        Assert.NotEmpty(kit.Logger.Lines);
        Assert.All(kit.Logger.Lines, line => Assert.DoesNotContain(LlmTestKit.ApiKey, line));
    }

    [Fact]
    public async Task A_client_error_is_not_retried()
    {
        await using var kit = await LlmTestKit.StartAsync(s => s.MaxRetries = 3);
        kit.Fake.Responder = _ => FakeChatReply.Error(401, "Invalid authentication");

        var error = await Assert.ThrowsAsync<BackendException>(() => kit.PredictAsync(MappingTests.Classification, [new { text = "x" }]));

        Assert.Equal(502, error.StatusCode);
        Assert.Contains("answered HTTP 401 Unauthorized: Invalid authentication", error.Message);
        Assert.Single(kit.Fake.ChatRequests);
    }

    [Fact]
    public async Task A_slow_provider_is_retried_once_then_answered_504()
    {
        // 1 s per attempt, not less: the fake records a request once it has read its body, and an attempt the client
        // abandons before that (a busy CI machine) would not be counted.
        await using var kit = await LlmTestKit.StartAsync(s => { s.TimeoutSeconds = 1; s.MaxRetries = 1; });
        kit.Fake.Responder = _ => FakeChatReply.Json(new { sentiment = "Positive" }, delay: TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<BackendException>(() => kit.PredictAsync(MappingTests.Classification, [new { text = "x" }]));

        Assert.Equal(504, error.StatusCode);
        Assert.Contains("did not answer within 1 s", error.Message);
        Assert.Equal(2, kit.Fake.ChatRequests.Count);
        // Given up long before the provider would have answered (30 s), even on a loaded machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"gave up after {clock.Elapsed}");
    }

    [Fact]
    public async Task Token_usage_and_cost_are_counted_on_the_PluginHost_Llm_meter()
    {
        await using var kit = await LlmTestKit.StartAsync(s => { s.InputCostPerMillionTokens = 0.15; s.OutputCostPerMillionTokens = 0.60; });
        kit.Fake.Responder = _ => FakeChatReply.Json(new { sentiment = "Positive" }, promptTokens: 1200, completionTokens: 30);
        var totals = new Dictionary<string, double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == "PluginHost.Llm") l.EnableMeasurementEvents(instrument); },
        };
        void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
                if (tag.Key == "backend" && (string?)tag.Value == kit.Name)
                    lock (totals) totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
        }
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        listener.Start();

        await kit.PredictAsync(MappingTests.Classification, Enumerable.Range(0, 4).Select(i => new { text = $"t{i}" }));

        Assert.Equal(4 * 1200, totals["pluginhost.llm.tokens.input"]);
        Assert.Equal(4 * 30, totals["pluginhost.llm.tokens.output"]);
        Assert.Equal(4 * (1200 * 0.15 + 30 * 0.60) / 1_000_000, totals["pluginhost.llm.cost"], 12);
        Assert.Equal(4, totals["pluginhost.llm.calls"]);
    }
}
