using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PluginHost.Tests;

/// <summary>BASIC_AUTH_USER/PASS guard every route; webhooks also get in with the shared secret.</summary>
public sealed class AuthTests : IAsyncLifetime
{
    private RunningHost _host = null!;

    public async Task InitializeAsync() => _host = await RunningHost.StartAsync(new Dictionary<string, string?>
    {
        ["PluginHost:BasicAuthUser"] = "ls",
        ["PluginHost:BasicAuthPass"] = "s3cret",
        ["PluginHost:WebhookSecret"] = "hook-token",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? credentials = null, string? secretHeader = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post) request.Content = new StringContent("""{"action":"TASKS_CREATED","project":{"id":1}}""", Encoding.UTF8, "application/json");
        if (credentials is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        if (secretHeader is not null) request.Headers.Add("X-Webhook-Secret", secretHeader);
        return await _host.Client.SendAsync(request);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/substring/health")]
    [InlineData("/substring/versions")]
    public async Task Routes_need_credentials(string path)
    {
        using var anonymous = await SendAsync(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString());
        await RunningHost.ReadJsonAsync(anonymous);

        using var wrong = await SendAsync(HttpMethod.Get, path, "ls:wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var right = await SendAsync(HttpMethod.Get, path, "ls:s3cret");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task Webhook_accepts_the_secret_header_or_query_token_without_basic_auth()
    {
        using var header = await SendAsync(HttpMethod.Post, "/substring/webhook", secretHeader: "hook-token");
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);

        using var query = await SendAsync(HttpMethod.Post, "/substring/webhook?token=hook-token");
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);

        using var wrong = await SendAsync(HttpMethod.Post, "/substring/webhook", secretHeader: "nope");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var basic = await SendAsync(HttpMethod.Post, "/substring/webhook", "ls:s3cret");
        Assert.Equal(HttpStatusCode.OK, basic.StatusCode);

        // The secret opens webhooks only.
        using var predict = await SendAsync(HttpMethod.Get, "/substring/health?token=hook-token", secretHeader: "hook-token");
        Assert.Equal(HttpStatusCode.Unauthorized, predict.StatusCode);
    }
}
