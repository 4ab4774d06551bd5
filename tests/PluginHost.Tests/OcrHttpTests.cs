using System.Text.Json.Nodes;
using PluginHost.Ocr.Tests.Support;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using static PluginHost.Tests.LabelStudioRequests;

namespace PluginHost.Tests;

/// <summary>The built-in Tesseract backend over real HTTP, loaded from artifacts/plugins/ocr like any plugin.</summary>
public sealed class OcrHttpTests
{
    private const string Config = """
        <View>
          <Image name="image" value="$ocr"/>
          <RectangleLabels name="bbox" toName="image" strokeWidth="1" smart="true"><Label value="Text"/></RectangleLabels>
          <TextArea name="transcription" toName="image" editable="true" perRegion="true" maxSubmissions="1" rows="5" displayMode="region-list"/>
        </View>
        """;

    private static readonly string[] Lines = ["Total due 318.40", "Thank you for shopping"];

    [Fact]
    public async Task Interactive_box_is_answered_with_its_transcription_under_the_setup_version()
    {
        using var page = TextPage.Render(800, 240, Lines, fontSize: 34, top: 50);
        var (x, y, w, h) = page.Lines[1].Percent(page.Width, page.Height);
        await using var host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["TaskData:CacheDirectory"] = TempDirs.Create("task-data"),
            ["Backends:ocr:Settings:MaxConcurrency"] = "2",
        });

        var (healthStatus, health) = await host.GetAsync("/ocr/health");
        Assert.Equal(200, healthStatus);
        Assert.Equal("UP", (string?)health["status"]);
        var (setupStatus, setup) = await host.PostAsync("/ocr/setup", $$"""
            {"project":"9.1710967805","schema":{{Escape(Config)}},"hostname":"http://localhost:8080","access_token":"abc","extra_params":null}
            """);
        Assert.Equal(200, setupStatus);
        var version = (string?)setup["model_version"];
        Assert.Matches(@"^ocr-tesseract5\.\d+\.\d+-eng$", version);

        // What Label Studio sends when the annotator draws a box with the smart RectangleLabels tool.
        var (status, body) = await host.PostAsync("/ocr/predict", $$"""
            {"tasks":[{"id":77,"data":{"ocr":"{{TextPage.DataUri(page.Png())}}"},"meta":{},"annotations":[],"drafts":[],"predictions":[],"project":9}],
             "project":"9.1710967805","label_config":{{Escape(Config)}},
             "params":{"login":null,"password":null,"context":{"annotation_id":null,"draft_id":0,"user_id":1,
               "result":[{"id":"Zk3_p9","from_name":"bbox","to_name":"image","type":"rectanglelabels","origin":"manual",
                          "original_width":{{page.Width}},"original_height":{{page.Height}},"image_rotation":0,
                          "value":{"x":{{x}},"y":{{y}},"width":{{w}},"height":{{h}},"rotation":0,"rectanglelabels":["Text"]} } ] } } }
            """);

        Assert.Equal(200, status);
        var prediction = Assert.Single(body["results"]!.AsArray())!;
        Assert.Equal(version, (string?)prediction["model_version"]);
        var result = prediction["result"]!.AsArray();
        Assert.Equal(2, result.Count);
        Assert.Equal(["rectanglelabels", "textarea"], result.Select(r => (string)r!["type"]!));
        Assert.All(result, r => Assert.Equal("Zk3_p9", (string?)r!["id"]));
        var text = result[1]!;
        Assert.Equal("transcription", (string?)text["from_name"]);
        Assert.Equal([Lines[1]], text["value"]!["text"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(x, (double)text["value"]!["x"]!, 9);
        Assert.Equal(page.Width, (int)text["original_width"]!);
        Assert.InRange((double)prediction["score"]!, 0.8, 1.0);
        using var json = System.Text.Json.JsonDocument.Parse(prediction.ToJsonString());
        Assert.Empty(PredictionValidator.Validate(json.RootElement, LabelConfig.Parse(Config)));
    }

    [Fact]
    public async Task Batch_request_pre_annotates_a_local_file_page_line_by_line()
    {
        var root = TempDirs.Create("local-files");
        using (var page = TextPage.Render(800, 240, Lines, fontSize: 34, top: 50))
            File.WriteAllBytes(Path.Combine(root, "receipt.png"), page.Png());
        await using var host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["TaskData:CacheDirectory"] = TempDirs.Create("task-data"),
            ["TaskData:LocalFilesDocumentRoot"] = root,
            ["TaskData:LabelStudioUrl"] = "",
            ["TaskData:ApiKey"] = "",
        });

        var (status, body) = await host.PostAsync("/ocr/predict", $$"""
            {"tasks":[{"id":5,"data":{"ocr":"/data/local-files/?d=receipt.png"},"meta":{},"annotations":[],"predictions":[],"project":9}],
             "project":"9.1710967805","label_config":{{Escape(Config)}},"params":{"login":null,"password":null,"context":null} }
            """);

        Assert.Equal(200, status);
        var result = Assert.Single(body["results"]!.AsArray())!["result"]!.AsArray();
        Assert.Equal(Lines, result.Where(r => (string?)r!["type"] == "textarea").Select(r => (string)r!["value"]!["text"]![0]!));
        Assert.All(result.Where(r => (string?)r!["type"] == "rectanglelabels"), r => Assert.Equal("Text", (string?)r!["value"]!["rectanglelabels"]![0]));
    }
}
