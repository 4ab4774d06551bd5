using System.Net.Http.Headers;
using System.Text;

namespace PluginHost.Deployment;

/// <summary>
/// <c>PluginHost --healthcheck</c>: the container's HEALTHCHECK without curl in the image. Asks the running host's
/// <c>GET /health</c> on 127.0.0.1:<c>PORT</c> (with the basic-auth credentials when set) and exits 0 when it answers 200.
/// <c>--readycheck</c> asks <c>GET /ready</c> instead (cluster mode: 200 only once the cluster's active versions are loaded).
/// </summary>
public static class HealthProbe
{
    public const string Switch = "--healthcheck";

    public const string ReadySwitch = "--readycheck";

    public static async Task<int> RunAsync(Func<string, string?> environment, CancellationToken cancellationToken = default) =>
        await RunAsync(environment, "/health", cancellationToken);

    public static async Task<int> RunAsync(Func<string, string?> environment, string path, CancellationToken cancellationToken)
    {
        var port = environment("PORT") is { Length: > 0 } p ? p : "9090";
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}");
        if (environment("BASIC_AUTH_USER") is { Length: > 0 } user && environment("BASIC_AUTH_PASS") is { Length: > 0 } pass)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{pass}")));
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            Console.WriteLine($"GET {path}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"GET {path} failed: {ex.Message}");
            return 1;
        }
    }
}
