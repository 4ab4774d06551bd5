using System.Net;
using System.Text.Json.Nodes;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using static PluginHost.Tests.LabelStudioRequests;

namespace PluginHost.Tests;

/// <summary>The Label Studio protocol over real HTTP against the built-in substring backend.</summary>
public sealed class ProtocolTests(SharedHost fixture) : IClassFixture<SharedHost>
{
    private RunningHost Host => fixture.Host;

    private const string Text = "We got hold of one of the first Apple Watches. Apple said the apple-shaped Apple logo glows.";

    [Fact]
    public async Task Host_health_lists_every_backend_with_state_and_version()
    {
        foreach (var path in new[] { "/", "/health", "/health/" })
        {
            var (status, body) = await Host.GetAsync(path);
            Assert.Equal(200, status);
            Assert.Equal("UP", (string?)body["status"]);
            Assert.Equal("substring", (string?)body["default_backend"]);
            var substring = body["backends"]!.AsArray().Single(b => (string?)b!["name"] == "substring")!;
            Assert.Equal("ready", (string?)substring["state"]);
            Assert.StartsWith("substring-", (string?)substring["model_version"]);
        }
    }

    [Fact]
    public async Task Interactive_request_returns_every_occurrence_ignoring_case_with_offsets_and_label()
    {
        var start = Text.IndexOf("Apple", StringComparison.Ordinal);
        var (status, body) = await Host.PostAsync("/substring/predict", InteractiveSubstring(Text, start, start + 5));

        Assert.Equal(200, status);
        var results = body["results"]!.AsArray();
        var prediction = Assert.Single(results)!;
        var regions = prediction["result"]!.AsArray();
        // As the Python example: every occurrence, case-insensitively, the annotator's own span included.
        var expectedStarts = AllIndexes(Text, "Apple").ToList();
        Assert.Equal(expectedStarts, regions.Select(r => (int)r!["value"]!["start"]!).ToList());
        foreach (var region in regions)
        {
            var value = region!["value"]!;
            var (s, e) = ((int)value["start"]!, (int)value["end"]!);
            Assert.Equal(Text[s..e], (string?)value["text"]);
            Assert.Equal(["ORG"], value["labels"]!.AsArray().Select(l => (string)l!));
            Assert.Equal("label", (string?)region["from_name"]);
            Assert.Equal("text", (string?)region["to_name"]);
            Assert.Equal("labels", (string?)region["type"]);
            Assert.InRange((double)region["score"]!, 0, 1);
        }
        Assert.Equal(regions.Count, regions.Select(r => (string?)r!["id"]).Distinct().Count());
        Assert.StartsWith("substring-", (string?)prediction["model_version"]);
        // What Label Studio's prediction validation would say.
        using var json = System.Text.Json.JsonDocument.Parse(prediction.ToJsonString());
        Assert.Empty(PredictionValidator.Validate(json.RootElement, LabelConfig.Parse(NerConfig)));
    }

    [Fact]
    public async Task Batch_request_without_context_answers_empty_results()
    {
        var (status, body) = await Host.PostAsync("/substring/predict", Batch([Text, "another task"]));
        Assert.Equal(200, status);
        Assert.Empty(body["results"]!.AsArray());
    }

    [Fact]
    public async Task Bare_routes_serve_the_default_backend()
    {
        var start = Text.IndexOf("Apple", StringComparison.Ordinal);
        var (status, body) = await Host.PostAsync("/predict", InteractiveSubstring(Text, start, start + 5));
        Assert.Equal(200, status);
        Assert.Equal(AllIndexes(Text, "Apple").Count(), body["results"]![0]!["result"]!.AsArray().Count);
    }

    [Fact]
    public async Task Model_version_is_one_string_across_setup_predict_and_versions()
    {
        var (setupStatus, setup) = await Host.PostAsync("/substring/setup", Setup());
        var (_, predict) = await Host.PostAsync("/substring/predict", InteractiveSubstring(Text, 0, 2));
        var (_, versions) = await Host.GetAsync("/substring/versions");

        Assert.Equal(200, setupStatus);
        var version = (string?)setup["model_version"];
        Assert.False(string.IsNullOrEmpty(version));
        Assert.Equal(version, (string?)predict["results"]![0]!["model_version"]);
        Assert.Contains(version, versions["versions"]!.AsArray().Select(v => (string?)v));
    }

    [Theory]
    [InlineData("POST", "/substring/setup")]
    [InlineData("POST", "/substring/setup/")]
    [InlineData("POST", "/substring/predict/")]
    [InlineData("POST", "/substring/webhook/")]
    [InlineData("POST", "/substring/train/")]
    [InlineData("GET", "/substring/health/")]
    [InlineData("GET", "/substring/versions/")]
    [InlineData("GET", "/substring/metrics/")]
    [InlineData("POST", "/setup/")]
    [InlineData("POST", "/predict/")]
    [InlineData("POST", "/webhook/")]
    [InlineData("POST", "/train/")]
    [InlineData("GET", "/versions/")]
    [InlineData("GET", "/metrics/")]
    public async Task Routes_answer_with_and_without_trailing_slash_and_never_redirect(string method, string path)
    {
        var body = path.Contains("setup") ? Setup() : path.Contains("webhook") ? """{"action":"PROJECT_UPDATED","project":{"id":1}}"""
            : path.Contains("train") ? """{"annotations":[],"project":"1.1","label_config":"<View/>"}""" : Batch(["x"]);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await Host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await RunningHost.ReadJsonAsync(response);
    }

    [Fact]
    public async Task Setup_stores_extra_params_that_change_matching_for_that_project()
    {
        const string text = "Apple apple APPLE Pineapple";
        var request = InteractiveSubstring(text, 0, 5).Replace("62053.1712586036", "77.1712586036");
        var (_, before) = await Host.PostAsync("/substring/predict", request);
        Assert.Equal([0, 6, 12, 22], before["results"]![0]!["result"]!.AsArray().Select(r => (int)r!["value"]!["start"]!).ToList());

        // extra_params as a JSON string, as Label Studio stores it.
        var (status, _) = await Host.PostAsync("/substring/setup", Setup(project: "77.1712586036", extraParams: Escape("""{"whole_word":true,"exclude_prompt_span":true}""")));
        Assert.Equal(200, status);
        var (_, after) = await Host.PostAsync("/substring/predict", request);
        var starts = after["results"]![0]!["result"]!.AsArray().Select(r => (int)r!["value"]!["start"]!).ToList();
        Assert.Equal([6, 12], starts);
    }

    [Fact]
    public async Task Tasks_may_be_a_single_object_and_project_a_number()
    {
        var single = InteractiveSubstring(Text, 0, 2).Replace("\"tasks\":[", "\"tasks\":").Replace("\"predictions\":[]}],", "\"predictions\":[]},").Replace("\"project\":\"62053.1712586036\"", "\"project\":62053");
        var (status, body) = await Host.PostAsync("/substring/predict", single);
        Assert.Equal(200, status);
        Assert.Single(body["results"]!.AsArray());
    }

    [Fact]
    public async Task Webhook_unknown_event_is_acknowledged_and_start_training_without_annotation_is_valid()
    {
        var (status, body) = await Host.PostAsync("/substring/webhook", """{"action":"TASKS_CREATED","tasks":[{"id":1}],"project":{"id":3}}""");
        Assert.Equal(200, status);
        Assert.Equal("Unknown event", (string?)body["status"]);

        var (trainStatus, trainBody) = await Host.PostAsync("/substring/webhook", """{"action":"START_TRAINING","project":{"id":3,"label_config":"<View/>"}}""");
        Assert.InRange(trainStatus, 200, 201);
        Assert.NotNull(trainBody["status"]);
    }

    [Theory]
    [InlineData("/substring/predict", "{bad json", 400, "Malformed JSON")]
    [InlineData("/substring/predict", "{\"label_config\":\"<View/>\"}", 400, "tasks")]
    [InlineData("/substring/predict", "{\"tasks\":42}", 400, "Malformed JSON")]
    [InlineData("/substring/predict", "{\"tasks\":[{\"id\":\"not-a-number\"}]}", 400, "Malformed JSON")]
    [InlineData("/substring/predict", "null", 400, "null")]
    [InlineData("/nope/predict", "{\"tasks\":[]}", 404, "Unknown backend 'nope'")]
    [InlineData("/substring/setup", "{\"project\":\"1.2\",\"schema\":\"<View><Text name='t' value='$t'>\"}", 400, "Label config")]
    [InlineData("/substring/setup", "{\"project\":\"1.2\",\"schema\":\"<!DOCTYPE v [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><View>&x;</View>\"}", 400, "DTD")]
    public async Task Bad_input_gets_a_json_error_with_the_right_status(string path, string body, int expectedStatus, string detailPart)
    {
        var (status, error) = await Host.PostAsync(path, body);
        Assert.Equal(expectedStatus, status);
        Assert.Equal(expectedStatus, (int)error["status"]!);
        Assert.Contains(detailPart, (string?)error["detail"]);
        Assert.Null(error["traceback"]);
    }

    [Fact]
    public async Task Wrong_method_and_unknown_route_are_json_errors()
    {
        var (status, body) = await Host.GetAsync("/substring/predict");
        Assert.Equal(405, status);
        Assert.Equal(405, (int)body["status"]!);

        var (missing, missingBody) = await Host.GetAsync("/substring/nothing/here");
        Assert.Equal(404, missing);
        Assert.NotNull(missingBody["detail"]);
    }

    [Fact]
    public async Task Metrics_count_predictions()
    {
        await Host.PostAsync("/substring/predict", InteractiveSubstring(Text, 0, 2));
        var (status, body) = await Host.GetAsync("/substring/metrics");
        Assert.Equal(200, status);
        Assert.True((long)body["predict_calls"]! >= 1);
        Assert.NotNull(body["predict_p99_ms"]);
    }

    private static IEnumerable<int> AllIndexes(string text, string needle)
    {
        for (var i = text.IndexOf(needle, StringComparison.OrdinalIgnoreCase); i >= 0; i = text.IndexOf(needle, i + needle.Length, StringComparison.OrdinalIgnoreCase))
            yield return i;
    }
}
