using OpenTelemetry.Metrics;
using PluginHost.Http.Docs;

namespace PluginHost.Metrics;

/// <summary>
/// OpenTelemetry metrics exported in Prometheus text format at <c>GET /metrics/prometheus</c>: every meter named
/// <c>PluginHost*</c> (the host's and other components' own), ASP.NET Core's request metrics, the .NET runtime's and
/// the process's.
/// </summary>
internal static class MetricsExport
{
    public const string ScrapePath = "/metrics/prometheus";

    public static IServiceCollection AddMetricsExport(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(HostMeters.ExportPattern)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddProcessInstrumentation()
            .AddPrometheusExporter(o => o.ScrapeEndpointPath = ScrapePath));
        return services;
    }

    public static void MapMetricsExport(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint(ScrapePath).AnswersText("text/plain")
            .Documented("prometheus", "Host", "Prometheus metrics",
                "Every PluginHost* meter (predict requests/tasks/latency per backend, training jobs, model loads and swaps, …), ASP.NET Core, runtime and process metrics, in Prometheus text format.");
}
