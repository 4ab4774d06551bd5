using System.Diagnostics.Metrics;
using PluginHost.Detector.Tests.Support;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Segmentation.Tests.Support;
using PluginHost.Tests.Shared;
using static PluginHost.Tests.LabelStudioRequests;

namespace PluginHost.Tests;

/// <summary>The <c>sam</c> backend over real HTTP, as Label Studio's smart keypoint tool calls it: the image comes from
/// Label Studio, the first click encodes it, the next clicks only decode.</summary>
public sealed class SamHttpTests
{
    private const string Config = """
        <View><Image name="image" value="$image" zoom="true"/>
          <BrushLabels name="tag" toName="image"><Label value="Banana" background="#FF0000"/><Label value="Orange" background="#0d14d3"/></BrushLabels>
          <KeyPointLabels name="tag2" toName="image" smart="true"><Label value="Banana" smart="true"/><Label value="Orange" smart="true"/></KeyPointLabels>
        </View>
        """;

    private static string Click(double x, double y, bool positive) => $$"""
        {"tasks":[{"id":31,"data":{"image":"/data/upload/7/fruit.png"},"annotations":[],"drafts":[],"predictions":[],"project":7}],
         "project":"7.1710967805","label_config":{{Escape(Config)}},
         "params":{"login":null,"password":null,"context":{"annotation_id":null,"draft_id":0,"user_id":1,
           "result":[{"original_width":160,"original_height":120,"image_rotation":0,
             "value":{"x":{{x}},"y":{{y}},"width":0.3189792663476874,"labels":["Banana"],"keypointlabels":["Banana"]},
             "is_positive":{{(positive ? "true" : "false")}},"id":"fBWv1t0S2L","from_name":"tag2","to_name":"image","type":"keypointlabels","origin":"manual"}] } } }
        """;

    [Fact]
    public async Task Clicks_answer_exact_brush_masks_and_only_the_first_one_runs_the_encoder()
    {
        await using var ls = await FakeLabelStudio.StartAsync();
        ls.Files["/data/upload/7/fruit.png"] = TestImages.Png(160, 120, new SkiaSharp.SKRectI(30, 20, 60, 50));
        var models = TempDirs.Create("sam");
        File.WriteAllBytes(Path.Combine(models, "encoder.onnx"), PlantedSam.Encoder(64));
        File.WriteAllBytes(Path.Combine(models, "decoder.onnx"), PlantedSam.Decoder(64, 10, 0.875f));
        using var encoderRuns = new MeasurementCount("pluginhost.sam.encoder.duration", "sam");
        await using var host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["Backends:sam:Settings:EncoderPath"] = Path.Combine(models, "encoder.onnx"),
            ["Backends:sam:Settings:DecoderPath"] = Path.Combine(models, "decoder.onnx"),
            ["TaskData:CacheDirectory"] = TempDirs.Create("task-data"),
            ["TaskData:LabelStudioUrl"] = "",
            ["TaskData:ApiKey"] = "",
        });
        Assert.Equal(200, (await host.GetAsync("/sam/health")).Status);
        // One assembly, three folders: each serves the class named like its route; without models they are down.
        var (_, hostHealth) = await host.GetAsync("/health");
        var backends = hostHealth["backends"]!.AsArray().ToDictionary(b => (string)b!["name"]!, b => (string)b!["status"]!);
        Assert.Equal(("UP", "DOWN", "DOWN"), (backends["sam"], backends["groundingdino"], backends["groundingsam"]));
        Assert.Contains("DinoModelPath", (await host.GetAsync("/groundingdino/health")).Body.ToJsonString());
        var (setupStatus, _) = await host.PostAsync("/sam/setup", $$"""
            {"project":"7.1710967805","schema":{{Escape(Config)}},"hostname":"{{ls.Url}}","access_token":"{{ls.LegacyToken}}","extra_params":null}
            """);
        Assert.Equal(200, setupStatus);

        var (status, body) = await host.PostAsync("/sam/predict", Click(25, 25, positive: true));
        var (secondStatus, second) = await host.PostAsync("/sam/predict", Click(30, 25, positive: false));

        Assert.Equal((200, 200), (status, secondStatus));
        var region = Assert.Single(Assert.Single(body["results"]!.AsArray())!["result"]!.AsArray())!;
        Assert.Equal("brushlabels", (string?)region["type"]);
        Assert.Equal((160, 120), ((int)region["original_width"]!, (int)region["original_height"]!));
        var rle = region["value"]!["rle"]!.AsArray().Select(i => (int)i!).ToArray();
        Assert.Equal(BrushRle.EncodeBinaryMask(PlantedSam.ExpectedMask(160, 120, 10, [(40, 30, true)]), 160, 120), rle);
        // The second request carries only a negative click: nothing is positive, so no mask.
        Assert.Empty(Assert.Single(second["results"]!.AsArray())!["result"]!.AsArray());
        Assert.Equal(1, encoderRuns.Count);
        using var json = System.Text.Json.JsonDocument.Parse(body["results"]![0]!.ToJsonString());
        Assert.Empty(PredictionValidator.Validate(json.RootElement, LabelConfig.Parse(Config)));
    }

    [Fact]
    public async Task Decoder_with_the_wrong_signature_answers_503_naming_the_expected_inputs()
    {
        var models = TempDirs.Create("sam-wrong");
        File.WriteAllBytes(Path.Combine(models, "encoder.onnx"), PlantedSam.Encoder(64));
        File.WriteAllBytes(Path.Combine(models, "decoder.onnx"), PlantedSam.Decoder(64, 10, 0.875f, omitInput: "orig_im_size"));
        await using var host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["Backends:sam:Settings:EncoderPath"] = Path.Combine(models, "encoder.onnx"),
            ["Backends:sam:Settings:DecoderPath"] = Path.Combine(models, "decoder.onnx"),
        });

        var (healthStatus, health) = await host.GetAsync("/sam/health");
        var (status, body) = await host.PostAsync("/sam/predict", Click(25, 25, positive: true));

        Assert.Equal(503, healthStatus);
        Assert.Contains("orig_im_size [2]", health.ToJsonString());
        Assert.Equal(503, status);
        Assert.Contains("expected inputs image_embeddings", (string?)body["detail"]);
        Assert.Contains("orig_im_size [2]", (string?)body["detail"]);
    }

    /// <summary>Counts measurements of one instrument of the <c>PluginHost.Sam</c> meter for one backend.</summary>
    private sealed class MeasurementCount : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _count;

        public MeasurementCount(string instrument, string backend)
        {
            _listener.InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == "PluginHost.Sam" && i.Name == instrument) l.EnableMeasurementEvents(i);
            };
            _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
            {
                foreach (var tag in tags)
                    if (tag.Key == "backend" && Equals(tag.Value, backend)) Interlocked.Increment(ref _count);
            });
            _listener.Start();
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
