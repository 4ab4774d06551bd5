using System.Text;

namespace PluginHost.Tests;

/// <summary>A backend that throws, hangs or answers the wrong shape is reported as JSON; the rest keep serving.</summary>
public sealed class FaultIsolationTests : IAsyncLifetime
{
    private RunningHost _host = null!;

    public async Task InitializeAsync()
    {
        var plugins = PluginFolders.CreatePluginsDir(("substring", PluginFolders.BuiltIn("substring")), ("faulty", PluginFolders.TestPlugin("faulty")));
        _host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["PluginHost:PluginsDir"] = plugins,
            ["PluginHost:PredictTimeoutSeconds"] = "1",
            ["PluginHost:MaxRequestBodyBytes"] = "100000",
        });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Task(string mode) => $$"""{"tasks":[{"id":1,"data":{"mode":"{{mode}}"} } ],"project":"1.1"}""";

    [Fact]
    public async Task A_throwing_backend_answers_json_500_naming_the_exception_and_others_keep_serving()
    {
        var (status, body) = await _host.PostAsync("/faulty/predict", Task("throw"));
        Assert.Equal(500, status);
        Assert.Equal("InvalidOperationException: the model exploded", (string?)body["detail"]);
        Assert.Equal("faulty", (string?)body["backend"]);
        Assert.Null(body["traceback"]);

        var (okStatus, _) = await _host.PostAsync("/substring/predict", LabelStudioRequests.InteractiveSubstring("a b a", 0, 1));
        Assert.Equal(200, okStatus);
        var (faultyAgain, _) = await _host.PostAsync("/faulty/predict", Task("ok"));
        Assert.Equal(200, faultyAgain);
    }

    [Fact]
    public async Task A_hanging_backend_answers_504_within_the_timeout_and_the_host_stays_responsive()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var hanging = _host.PostAsync("/faulty/predict", Task("hang"));
        var (healthStatus, _) = await _host.GetAsync("/health");
        Assert.Equal(200, healthStatus);

        var (status, body) = await hanging;
        Assert.Equal(504, status);
        Assert.Contains("did not answer within", (string?)body["detail"]);
        Assert.InRange(started.Elapsed.TotalSeconds, 0.9, 10);
        var (_, metrics) = await _host.GetAsync("/faulty/metrics");
        Assert.True((long)metrics["timeouts"]! >= 1);
    }

    [Fact]
    public async Task A_backend_answering_the_wrong_number_of_predictions_is_a_500()
    {
        var (status, body) = await _host.PostAsync("/faulty/predict", Task("wrong-count"));
        Assert.Equal(500, status);
        Assert.Contains("3 predictions for 1 tasks", (string?)body["detail"]);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_json()
    {
        var huge = "{\"tasks\":[{\"id\":1,\"data\":{\"text\":\"" + new string('a', 200_000) + "\"}}]}";
        using var response = await _host.Client.PostAsync("/substring/predict", new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.Equal(413, (int)response.StatusCode);
        var body = await RunningHost.ReadJsonAsync(response);
        Assert.Contains("larger than", (string?)body["detail"]);
    }

    [Fact]
    public async Task Without_a_configured_default_the_bare_routes_explain_which_backends_exist()
    {
        // Two backends, default points at one that does not exist here.
        await using var host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["PluginHost:PluginsDir"] = PluginFolders.CreatePluginsDir(("faulty", PluginFolders.TestPlugin("faulty")), ("substring", PluginFolders.BuiltIn("substring"))),
            ["PluginHost:DefaultBackend"] = "",
        });
        var (status, body) = await host.PostAsync("/predict", Task("ok"));
        Assert.Equal(404, status);
        Assert.Contains("faulty, substring", (string?)body["detail"]);
    }
}
