using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace PluginHost.Jobs.LabelStudio;

/// <summary>
/// The resilience pipeline of every Label Studio call a job makes (Microsoft.Extensions.Http.Resilience on Polly):
/// retry (exponential backoff with jitter, <c>Retry-After</c> honoured, on 429, 5xx, 408, timeouts and broken
/// connections) around a per-attempt timeout. Registered once; Polly's telemetry reports each retry.
/// </summary>
internal static class JobResilience
{
    public const string PipelineKey = "PluginHost.Jobs.LabelStudio";

    public static IServiceCollection AddJobResilience(this IServiceCollection services)
    {
        services.AddResiliencePipeline<string, HttpResponseMessage>(PipelineKey, (builder, context) =>
        {
            var settings = context.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<JobSettings>>().Value;
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("PluginHost.Jobs.LabelStudio");
            builder
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(0, settings.MaxRetries),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromSeconds(settings.RetryDelaySeconds),
                    MaxDelay = TimeSpan.FromSeconds(settings.MaxRetryDelaySeconds),
                    ShouldRetryAfterHeader = true,
                    OnRetry = args =>
                    {
                        logger.LogInformation("Label Studio call failed ({Outcome}); retry {Attempt} in {Delay} ms",
                            args.Outcome.Exception?.Message ?? $"HTTP {(int?)args.Outcome.Result?.StatusCode}", args.AttemptNumber + 1,
                            (int)args.RetryDelay.TotalMilliseconds);
                        return default;
                    },
                })
                .AddTimeout(new TimeoutStrategyOptions { Timeout = TimeSpan.FromSeconds(settings.RequestTimeoutSeconds) });
        });
        return services;
    }
}
