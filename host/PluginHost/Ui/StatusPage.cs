using System.Text.Json;
using PluginHost.Http.Docs;

namespace PluginHost.Ui;

/// <summary>
/// The status page: <c>GET /ui</c> (HTML, CSS, JS shipped in the host), <c>GET /ui/api/state</c> (backends, versions,
/// latency, jobs) and <c>GET /ui/api/events</c> (live job progress). Activation goes through the ordinary
/// <c>POST /&lt;backend&gt;/versions/&lt;v&gt;/activate</c>, so it sits behind the same basic auth as every route.
/// </summary>
internal static class StatusPage
{
    public const string Tag = "Status page";

    public static IServiceCollection AddStatusPage(this IServiceCollection services) =>
        services.AddSingleton<StatusSnapshots>().AddSingleton<JobEventStream>();

    public static void MapStatusPage(this IEndpointRouteBuilder app)
    {
        var snapshots = app.ServiceProvider.GetRequiredService<StatusSnapshots>();
        var events = app.ServiceProvider.GetRequiredService<JobEventStream>();

        app.MapGet("/ui", context => UiAssets.ServeAsync(context, "index.html")).AnswersText("text/html")
            .Documented("statusPage", Tag, "Status page", "Backends, versions with their training metrics, latency and live training jobs, in a browser.");
        app.MapGet("/ui/assets/{file}", context => UiAssets.ServeAsync(context, (string)context.Request.RouteValues["file"]!)).AnswersText("text/plain")
            .Documented("statusPageAsset", Tag, "Status page file", "The page's script and style sheet, shipped inside the host.");
        app.MapGet("/ui/api/state", async context =>
            {
                context.Response.ContentType = "application/json";
                var state = await snapshots.CurrentAsync(context.RequestAborted);
                await JsonSerializer.SerializeAsync(context.Response.Body, state, StatusJson.Default.StatusState, context.RequestAborted);
            }).Answers<StatusState>()
            .Documented("statusState", Tag, "Status of the host", "Every backend (health, origin, version, load errors, latency percentiles), its versions per project with their training metrics, and the training and prediction jobs.");
        app.MapGet("/ui/api/events", events.StreamAsync).AnswersText("text/event-stream")
            .Documented("statusEvents", Tag, "Live jobs", "Server-sent events whenever a job changes (progress included): 'jobs' with the training jobs, 'predictions' with the prediction jobs.");
    }
}
