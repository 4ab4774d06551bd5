using System.Net;
using PluginHost.Detector.Tests.Support;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.Protocol;
using PluginHost.Tests.Shared;
using Xunit;

namespace PluginHost.Detector.Tests;

/// <summary>The one connection registry and the one authenticated client that task data and training pulls share.</summary>
public sealed class LabelStudioAccessTests : IAsyncLifetime
{
    private static readonly ProjectRef Project = ProjectRef.FromString("6.1710967805");
    private FakeLabelStudio _ls = null!;
    private FakeLabelStudio _other = null!;

    public async Task InitializeAsync()
    {
        _ls = await FakeLabelStudio.StartAsync();
        _other = await FakeLabelStudio.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _ls.DisposeAsync();
        await _other.DisposeAsync();
    }

    [Fact]
    public void Task_data_takes_the_setup_values_first_and_pulls_the_configured_pair_first()
    {
        using var services = new TaskDataServices(o =>
        {
            o.LabelStudioUrl = "http://configured:8080";
            o.ApiKey = "configured-key";
        });
        services.Connections.Remember(Project, "http://from-setup:8080", "setup-token");

        Assert.Equal(new LabelStudioConnection("http://from-setup:8080", "setup-token") { ApiKeySource = "/setup" }, services.Connections.Get(Project));
        var pull = services.Connections.Get(Project, LabelStudioPrecedence.ConfiguredPairFirst);
        Assert.Equal(("http://configured:8080", "configured-key", "LABEL_STUDIO_API_KEY"), (pull.Url, pull.ApiKey, pull.ApiKeySource));
    }

    [Fact]
    public void Pulls_never_mix_a_configured_value_with_a_setup_value()
    {
        using var services = new TaskDataServices(o => o.ApiKey = "configured-key-without-url");

        Assert.False(services.Connections.Get(Project, LabelStudioPrecedence.ConfiguredPairFirst).IsComplete);
        services.Connections.Remember(Project, "http://from-setup:8080", null);
        Assert.False(services.Connections.Get(Project, LabelStudioPrecedence.ConfiguredPairFirst).IsComplete);

        services.Connections.Remember(Project, null, "setup-token");
        var pull = services.Connections.Get(Project, LabelStudioPrecedence.ConfiguredPairFirst);
        Assert.Equal(("http://from-setup:8080", "setup-token"), (pull.Url, pull.ApiKey));
    }

    [Fact]
    public void A_setup_moving_the_project_to_another_origin_without_a_token_forgets_the_old_token()
    {
        using var services = new TaskDataServices(_ => { });
        services.Connections.Remember(Project, "http://ls-a:8080", "token-for-a");
        services.Connections.Remember(Project, "http://ls-a:8080/", null);
        Assert.Equal("token-for-a", services.Connections.Get(Project).ApiKey);

        services.Connections.Remember(Project, "http://ls-b:8080", null);

        var moved = services.Connections.Get(Project);
        Assert.Equal(("http://ls-b:8080", null), (moved.Url, moved.ApiKey));
        Assert.False(services.Connections.Get(Project, LabelStudioPrecedence.ConfiguredPairFirst).IsComplete);
    }

    [Fact]
    public async Task The_client_resolves_paths_against_Label_Studio_and_sends_the_token_to_its_origin_only()
    {
        _ls.LabelConfigs["6"] = "<View/>";
        _other.Files["/public/a.bin"] = [1];
        using var services = new TaskDataServices(_ => { });
        var connection = new LabelStudioConnection(_ls.Url + "/", _ls.LegacyToken);

        using (var project = await services.Api.SendAsync(connection, HttpMethod.Get, new Uri("/api/projects/6", UriKind.Relative), CancellationToken.None))
            Assert.Equal(HttpStatusCode.OK, project.StatusCode);
        using (var elsewhere = await services.Api.SendAsync(connection, HttpMethod.Get, new Uri(_other.Url + "/public/a.bin"), CancellationToken.None))
            Assert.Equal(HttpStatusCode.OK, elsewhere.StatusCode);

        Assert.Equal(("/api/projects/6", "Token " + _ls.LegacyToken), Assert.Single(_ls.Requests) is var r ? (r.PathAndQuery, r.Authorization) : default);
        Assert.Null(Assert.Single(_other.Requests).Authorization);
    }

    [Fact]
    public async Task A_rejected_access_token_is_exchanged_again_and_the_request_retried_once()
    {
        _ls.LabelConfigs["6"] = "<View/>";
        using var services = new TaskDataServices(_ => { });
        var connection = new LabelStudioConnection(_ls.Url, _ls.PersonalAccessToken);
        var path = new Uri("/api/projects/6", UriKind.Relative);
        (await services.Api.SendAsync(connection, HttpMethod.Get, path, CancellationToken.None)).Dispose();

        _ls.RevokeAccessTokens();
        using var retried = await services.Api.SendAsync(connection, HttpMethod.Get, path, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(2, _ls.Refreshes);
        Assert.Equal(3, _ls.RequestsTo("/api/projects/6").Count());

        // A refresh token Label Studio refuses is an API error naming the exchange, not a retry loop.
        var refused = await Assert.ThrowsAsync<LabelStudioApiException>(() =>
            services.Api.SendAsync(connection with { ApiKey = FakeLabelStudio.MakeJwt(DateTimeOffset.UtcNow.AddDays(1), "refresh") }, HttpMethod.Get, path, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("/api/token/refresh/", refused.Message);
    }
}
