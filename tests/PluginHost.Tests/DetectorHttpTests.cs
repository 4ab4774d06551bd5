using System.Text.Json.Nodes;
using PluginHost.Detector.Tests.Support;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Tests.Shared;
using SkiaSharp;
using static PluginHost.Tests.LabelStudioRequests;

namespace PluginHost.Tests;

/// <summary>The built-in ONNX detector over real HTTP: /setup hands the host Label Studio's address and token, and
/// /predict fetches the task image from a fake Label Studio with them.</summary>
public sealed class DetectorHttpTests
{
    private const string Config = """
        <View><Image name="image" value="$image"/>
          <RectangleLabels name="label" toName="image" model_score_threshold="0.5">
            <Label value="Car" predicted_values="car"/><Label value="Person"/>
          </RectangleLabels></View>
        """;

    [Fact]
    public async Task Setup_then_predict_fetches_the_image_from_Label_Studio_and_answers_exact_rectangles()
    {
        await using var ls = await FakeLabelStudio.StartAsync();
        // 256×128 image, model input 64×64: scaled by 1/4 with 16 rows of padding on top.
        ls.Files["/data/upload/7/scene.png"] = TestImages.Png(256, 128, new SKRectI(32, 48, 96, 80));
        var modelPath = Path.Combine(TempDirs.Create("detector"), "planted.onnx");
        File.WriteAllBytes(modelPath, PlantedModel.YoloV8(64, 2,
            [new PlantedBox(16, 32, 16, 8, 0, 0.9f), new PlantedBox(17, 32, 16, 8, 0, 0.8f), new PlantedBox(48, 32, 16, 8, 1, 0.9f)],
            "{0: 'car', 1: 'person'}"));
        await using var host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["Backends:detector:Settings:ModelPath"] = modelPath,
            ["TaskData:CacheDirectory"] = TempDirs.Create("task-data"),
            ["TaskData:LabelStudioUrl"] = "",
            ["TaskData:ApiKey"] = "",
        });

        var (healthStatus, health) = await host.GetAsync("/detector/health");
        Assert.Equal(200, healthStatus);
        Assert.Equal("UP", (string?)health["status"]);

        var (setupStatus, setup) = await host.PostAsync("/detector/setup", $$"""
            {"project":"7.1710967805","schema":{{Escape(Config)}},"hostname":"{{ls.Url}}","access_token":"{{ls.LegacyToken}}","extra_params":null}
            """);
        Assert.Equal(200, setupStatus);
        var version = (string?)setup["model_version"];
        Assert.StartsWith("detector-planted-", version);

        var (status, body) = await host.PostAsync("/detector/predict", $$"""
            {"tasks":[{"id":31,"data":{"image":"/data/upload/7/scene.png"},"meta":{},"annotations":[],"predictions":[],"project":7,"file_upload":3} ],
             "project":"7.1710967805","label_config":{{Escape(Config)}},"params":{"login":null,"password":null,"context":null} }
            """);

        Assert.Equal(200, status);
        var prediction = Assert.Single(body["results"]!.AsArray())!;
        Assert.Equal(version, (string?)prediction["model_version"]);
        var region = Assert.Single(prediction["result"]!.AsArray())!; // the overlapping car is suppressed; the person sits on black
        Assert.Equal("rectanglelabels", (string?)region["type"]);
        Assert.Equal(["Car"], region["value"]!["rectanglelabels"]!.AsArray().Select(l => (string)l!));
        Assert.Equal([12.5, 37.5, 25.0, 25.0], new[] { "x", "y", "width", "height" }.Select(k => (double)region["value"]![k]!));
        Assert.Equal(0.9, (double)region["score"]!);
        Assert.Equal(256, (int)region["original_width"]!);
        Assert.Equal(128, (int)region["original_height"]!);
        Assert.Equal(0, (double)region["image_rotation"]!);
        Assert.Contains(ls.Requests, r => r.PathAndQuery.EndsWith("scene.png", StringComparison.Ordinal) && r.Authorization == "Token " + ls.LegacyToken);
        using var json = System.Text.Json.JsonDocument.Parse(prediction.ToJsonString());
        Assert.Empty(PredictionValidator.Validate(json.RootElement, LabelConfig.Parse(Config)));
    }

    [Fact]
    public async Task Detector_without_a_model_is_down_on_health_and_predict_answers_503_with_the_reason()
    {
        await using var host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["Backends:detector:Settings:ModelPath"] = "missing/yolo.onnx",
        });

        var (healthStatus, health) = await host.GetAsync("/detector/health");
        Assert.Equal(503, healthStatus);
        Assert.Contains("yolo.onnx", health.ToJsonString());

        var (status, body) = await host.PostAsync("/detector/predict", $$"""
            {"tasks":[{"id":1,"data":{"image":"/data/upload/7/a.png"} } ],"project":"7.1","label_config":{{Escape(Config)}}}
            """);
        // Loaded but unusable: 503 with the reason, as /health says (not a 500: nothing crashed).
        Assert.Equal(503, status);
        Assert.Contains("does not exist", (string?)body["detail"]);
    }
}
