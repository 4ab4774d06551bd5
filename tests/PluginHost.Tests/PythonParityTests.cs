using static PluginHost.Tests.LabelStudioRequests;

namespace PluginHost.Tests;

/// <summary>
/// The requests the Python SDK's own tests send (its server tests and the interactive_substring_matching example),
/// written out here as data, must get the answers those tests assert: a user moving over sees no difference.
/// </summary>
public sealed class PythonParityTests(SharedHost fixture) : IClassFixture<SharedHost>
{
    private RunningHost Host => fixture.Host;

    private const string TweetText = "We got hold of one of the first Apple Watches to leave Apple. Here's what we found http://t.co/yUjAbasx9N http://t.co/9JCtPMkEWx";

    private const string ExampleLabelConfig = "<View>\n  <Labels name=\"label\" toName=\"text\">\n    <Label value=\"PER\" background=\"red\"/>\n    <Label value=\"ORG\" background=\"darkorange\"/>\n    <Label value=\"LOC\" background=\"orange\"/>\n    <Label value=\"MISC\" background=\"green\"/>\n  </Labels>\n\n  <Text name=\"text\" value=\"$text\"/>\n</View>";

    [Fact]
    public async Task Interactive_substring_example_gets_every_occurrence_with_the_examples_scores()
    {
        var request = $$$"""
            {"tasks":[{"id":102644832,"annotations":[],"file_upload":"f3331b20-texts.json","drafts":[],"predictions":[],"agreement":null,
               "data":{"text":{{{Escape(TweetText)}}}},"meta":{},"created_at":"2024-04-08T14:21:29.542516Z","updated_at":"2024-04-08T14:21:29.542520Z",
               "inner_id":40,"total_annotations":0,"cancelled_annotations":0,"total_predictions":0,"comment_count":0,"unresolved_comment_count":0,
               "last_comment_updated_at":null,"project":62053,"updated_by":null,"comment_authors":[]}],
             "project":"62053.1712586036","label_config":{{{Escape(ExampleLabelConfig)}}},
             "params":{"login":null,"password":null,"context":{"annotation_id":null,"draft_id":0,"user_id":2640,
               "result":[{"value":{"start":32,"end":37,"text":"Apple","labels":["ORG"]},"id":"1aa-14p0B6","from_name":"label","to_name":"text","type":"labels","origin":"manual"}]} } }
            """;
        foreach (var path in new[] { "/predict", "/substring/predict" })
        {
            var (status, body) = await Host.PostAsync(path, request);
            Assert.Equal(200, status);
            var prediction = Assert.Single(body["results"]!.AsArray())!;
            var regions = prediction["result"]!.AsArray();
            // The example's expected answer: both "Apple"s, the annotator's own first, each scored 0.8.
            Assert.Equal([(32, 37), (55, 60)], regions.Select(r => ((int)r!["value"]!["start"]!, (int)r["value"]!["end"]!)).ToList());
            foreach (var region in regions)
            {
                Assert.Equal("label", (string?)region!["from_name"]);
                Assert.Equal("text", (string?)region["to_name"]);
                Assert.Equal("labels", (string?)region["type"]);
                Assert.Equal("Apple", (string?)region["value"]!["text"]);
                Assert.Equal(["ORG"], region["value"]!["labels"]!.AsArray().Select(l => (string)l!));
                Assert.Equal(0.8, (double)region["score"]!, 6);
            }
            Assert.Equal(0.8, (double)prediction["score"]!, 6);
        }
    }

    [Fact]
    public async Task Server_test_requests_get_the_python_statuses()
    {
        Assert.Equal(200, (await Host.GetAsync("/health")).Status);
        Assert.Equal(200, (await Host.GetAsync("/")).Status);
        Assert.Equal(200, (await Host.GetAsync("/metrics")).Status);

        // A single task object, an empty context and a "<View></View>" config.
        var (predictStatus, _) = await Host.PostAsync("/predict", """{"tasks":{"id":1},"label_config":"<View></View>","project":"1.1000000000","params":{"context":{}}}""");
        Assert.Equal(200, predictStatus);

        var (setupStatus, _) = await Host.PostAsync("/setup", """{"project":"1.1000000000","schema":"<View></View>","extra_params":{}}""");
        Assert.Equal(200, setupStatus);
    }

    [Theory]
    [InlineData("ANNOTATION_CREATED")]
    [InlineData("ANNOTATION_UPDATED")]
    [InlineData("ANNOTATION_DELETED")]
    [InlineData("START_TRAINING")]
    public async Task Training_events_answer_201_on_every_backend_trainable_or_not(string action)
    {
        var body = $$$"""{"action":"{{{action}}}","project":{"id":1,"label_config":"<View></View>"}}""";
        foreach (var backend in await BackendsAsync())
        {
            var (status, answer) = await Host.PostAsync($"/{backend}/webhook", body);
            Assert.True(status == 201, $"{backend}: {action} answered {status} {answer.ToJsonString()}");
        }
        Assert.Equal(201, (await Host.PostAsync("/webhook", body)).Status);
    }

    [Fact]
    public async Task Other_events_answer_200_unknown_event_on_every_backend()
    {
        foreach (var backend in await BackendsAsync())
        {
            var (status, answer) = await Host.PostAsync($"/{backend}/webhook", """{"action":"TASKS_CREATED","project":{"id":1,"label_config":"<View></View>"}}""");
            Assert.Equal(200, status);
            Assert.Equal("Unknown event", (string?)answer["status"]);
        }
    }

    private async Task<List<string>> BackendsAsync()
    {
        var (_, health) = await Host.GetAsync("/health");
        var names = health["backends"]!.AsArray().Where(b => (string?)b!["state"] == "ready").Select(b => (string)b!["name"]!).ToList();
        Assert.Contains("substring", names);
        return names;
    }
}
