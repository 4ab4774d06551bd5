using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PluginHost.Tests.Training;

/// <summary>
/// The small part of Label Studio's API a training job calls, on 127.0.0.1 (random port): the project export
/// (<c>GET /api/projects/{id}/export</c>), the project (<c>GET /api/projects/{id}</c>) and the PAT exchange
/// (<c>POST /api/token/refresh/</c>). Auth as Label Studio does it: <c>Token &lt;legacy&gt;</c> or <c>Bearer &lt;access&gt;</c>.
/// </summary>
public sealed class FakeLabelStudio : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeLabelStudio(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>The export JSON per project id.</summary>
    public ConcurrentDictionary<string, string> Exports { get; } = new();

    public ConcurrentDictionary<string, string> LabelConfigs { get; } = new();

    public string LegacyToken { get; set; } = "ls-legacy-token-123";

    /// <summary>A personal access token (a JWT) and the access token it is exchanged for.</summary>
    public string PersonalAccessToken { get; } = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6NDEwMjQ0NDgwMH0.c2lnbmF0dXJl";

    public string AccessToken { get; private set; } = "access-1";

    public ConcurrentQueue<string> Requests { get; } = new();

    public int Refreshes;

    /// <summary>Makes the current access token invalid (as when it expires).</summary>
    public void ExpireAccessToken() => AccessToken = "access-" + Guid.NewGuid().ToString("N")[..6];

    public static async Task<FakeLabelStudio> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        FakeLabelStudio? fake = null;
        app.MapPost("/api/token/refresh/", async (HttpContext context) =>
        {
            var body = await System.Text.Json.JsonDocument.ParseAsync(context.Request.Body);
            fake!.Requests.Enqueue("POST /api/token/refresh/");
            if (body.RootElement.GetProperty("refresh").GetString() != fake.PersonalAccessToken) return Results.Json(new { detail = "Token is invalid" }, statusCode: 401);
            Interlocked.Increment(ref fake.Refreshes);
            return Results.Json(new { access = fake.AccessToken });
        });
        app.MapGet("/api/projects/{id}/export", (HttpContext context, string id) =>
        {
            fake!.Requests.Enqueue($"GET {context.Request.Path}{context.Request.QueryString}");
            if (!fake.Authorized(context)) return Results.Json(new { detail = "Authentication credentials were not provided." }, statusCode: 401);
            return fake.Exports.TryGetValue(id, out var json) ? Results.Text(json, "application/json") : Results.Json(new { detail = "Not found." }, statusCode: 404);
        });
        app.MapGet("/api/projects/{id}", (HttpContext context, string id) =>
        {
            fake!.Requests.Enqueue($"GET {context.Request.Path}");
            if (!fake.Authorized(context)) return Results.Json(new { detail = "Authentication credentials were not provided." }, statusCode: 401);
            return fake.LabelConfigs.TryGetValue(id, out var config) ? Results.Json(new { id = int.Parse(id), label_config = config }) : Results.Json(new { detail = "Not found." }, statusCode: 404);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeLabelStudio(app, new Uri(address + "/"));
        return fake;
    }

    private bool Authorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header == "Token " + LegacyToken || header == "Bearer " + AccessToken;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
