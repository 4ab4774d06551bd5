using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PluginHost.Tests;

/// <summary>A host with basic auth and a webhook secret, shared by the auth tests.</summary>
public sealed class AuthHost : IAsyncLifetime
{
    public RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await RunningHost.StartAsync(new Dictionary<string, string?>
    {
        ["PluginHost:BasicAuthUser"] = "ls",
        ["PluginHost:BasicAuthPass"] = "s3cret",
        ["PluginHost:WebhookSecret"] = "hook-token",
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>BASIC_AUTH_USER/PASS guard every route; the webhook secret opens exactly the webhook endpoints.</summary>
public sealed class AuthTests(AuthHost fixture) : IClassFixture<AuthHost>
{
    private const string Secret = "hook-token";

    public enum Credentials
    {
        None,
        WrongBasic,
        SecretOnly,
        RightBasic,
    }

    /// <summary>Every route of the host (bare and per backend), including paths that merely end in "webhook".</summary>
    public static TheoryData<string, string> Routes()
    {
        var routes = new TheoryData<string, string> { { "GET", "/" }, { "GET", "/health" }, { "GET", "/substring/health" } };
        foreach (var prefix in new[] { "", "/substring" })
        {
            routes.Add("POST", $"{prefix}/setup");
            routes.Add("POST", $"{prefix}/predict");
            routes.Add("POST", $"{prefix}/webhook");
            routes.Add("POST", $"{prefix}/webhook/");
            routes.Add("POST", $"{prefix}/train");
            routes.Add("GET", $"{prefix}/versions");
            routes.Add("POST", $"{prefix}/versions/webhook/activate");
            routes.Add("POST", $"{prefix}/jobs/predict");
            routes.Add("GET", $"{prefix}/jobs");
            routes.Add("GET", $"{prefix}/jobs/webhook");
            routes.Add("DELETE", $"{prefix}/jobs/webhook");
            routes.Add("GET", $"{prefix}/metrics");
        }
        routes.Add("GET", "/no/such/webhook");
        return routes;
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_admits_exactly_the_right_credentials(string method, string path)
    {
        var isWebhookEndpoint = method == "POST" && path.TrimEnd('/').EndsWith("/webhook", StringComparison.Ordinal) && !path.StartsWith("/no/", StringComparison.Ordinal);
        foreach (var credentials in Enum.GetValues<Credentials>())
        {
            using var response = await SendAsync(new HttpMethod(method), path, credentials);
            var admitted = credentials == Credentials.RightBasic || (credentials == Credentials.SecretOnly && isWebhookEndpoint);
            if (admitted)
            {
                Assert.True(response.StatusCode != HttpStatusCode.Unauthorized, $"{method} {path} with {credentials}: 401, expected to be let in");
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} with {credentials}: {(int)response.StatusCode}, expected 401");
                Assert.Contains("Basic", response.Headers.WwwAuthenticate.ToString());
            }
            await RunningHost.ReadJsonAsync(response);
        }
    }

    [Fact]
    public async Task Webhook_accepts_the_secret_header_or_query_token_without_basic_auth()
    {
        using var header = await SendAsync(HttpMethod.Post, "/substring/webhook", Credentials.None, secretHeader: Secret);
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);

        using var query = await SendAsync(HttpMethod.Post, $"/substring/webhook?token={Secret}", Credentials.None);
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);

        using var wrong = await SendAsync(HttpMethod.Post, "/substring/webhook", Credentials.None, secretHeader: "nope");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        using var basic = await SendAsync(HttpMethod.Post, "/substring/webhook", Credentials.RightBasic);
        Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Credentials credentials, string? secretHeader = null)
    {
        if (credentials == Credentials.SecretOnly)
        {
            // The strongest attempt: the secret as header and as query token.
            path += (path.Contains('?') ? "&" : "?") + "token=" + Secret;
            secretHeader = Secret;
        }
        var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post) request.Content = new StringContent("""{"action":"TASKS_CREATED","project":{"id":1}}""", Encoding.UTF8, "application/json");
        var basic = credentials switch
        {
            Credentials.WrongBasic => "ls:wrong",
            Credentials.RightBasic => "ls:s3cret",
            _ => null,
        };
        if (basic is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        if (secretHeader is not null) request.Headers.Add("X-Webhook-Secret", secretHeader);
        return await fixture.Host.Client.SendAsync(request);
    }
}
