using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.Detector.Tests.Support;
using PluginHost.Plugins.Segmentation;
using PluginHost.Plugins.Segmentation.GroundingDino;
using PluginHost.Plugins.Segmentation.Sam;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Segmentation.Tests.Support;
using Xunit;

namespace PluginHost.Segmentation.Tests;

public sealed class GroundingSamBackendTests : IDisposable
{
    private const int Width = 160;
    private const int Height = 120;

    private const string Config = """
        <View>
          <Image name="image" value="$image"/>
          <TextArea name="prompt" toName="image" editable="true" rows="2" maxSubmissions="1" showSubmitButton="true"/>
          <BrushLabels name="mask" toName="image"><Label value="Car"/><Label value="Person"/></BrushLabels>
          <RectangleLabels name="box" toName="image"><Label value="Car"/></RectangleLabels>
        </View>
        """;

    private readonly TestBackends _backends = new();

    public void Dispose() => _backends.Dispose();

    private GroundingSamBackend Backend(Dictionary<string, string?>? settings = null)
    {
        settings ??= new();
        settings.TryAdd("EncoderPath", _backends.Write("encoder.onnx", PlantedSam.Encoder(64)));
        settings.TryAdd("DecoderPath", _backends.Write("decoder.onnx", PlantedSam.Decoder(64, 10, 0.875f)));
        settings.TryAdd("DinoModelPath", _backends.Write("dino.onnx", PlantedDino.Model(
        [
            new(0.25f, 0.5f, 0.25f, 0.5f, "car", 4),
            new(0.75f, 0.3f, 0.3f, 0.4f, "person", 2),
        ])));
        _backends.Write("vocab.txt", System.Text.Encoding.UTF8.GetBytes(PlantedDino.VocabText));
        return _backends.Create((config, data, env) => new GroundingSamBackend(TestBackends.Bind<SamSettings>(config), TestBackends.Bind<GroundingDinoSettings>(config),
            data, NullLogger<GroundingSamBackend>.Instance, env), settings, "groundingsam");
    }

    [Fact]
    public async Task Typed_phrase_gives_a_sam_mask_per_box_and_the_box_itself()
    {
        using var backend = Backend();
        Assert.Null(backend.HealthError);
        var image = TestBackends.DataUri(TestImages.Png(Width, Height));
        const string prompt = """{"result":[{"from_name":"prompt","to_name":"image","type":"textarea","value":{"text":["car"]}}]}""";

        var first = await backend.PredictAsync(TestBackends.Context(Config, [image], prompt), CancellationToken.None);
        var batch = await backend.PredictAsync(TestBackends.Context(Config, [image]), CancellationToken.None);

        var result = Assert.Single(first).Result;
        Assert.Equal(2, result.Count);
        var brush = result[0];
        Assert.Equal(("brushlabels", "mask", "image"), (brush.Type, brush.FromName, brush.ToName));
        Assert.Equal(["Car"], brush.Value!.Labels!);
        // The DINO box (20,30)-(60,90) px is the SAM box prompt; the planted decoder fills exactly that box.
        Assert.Equal(BrushRle.EncodeBinaryMask(PlantedSam.ExpectedMask(Width, Height, 10, [], (20, 30, 60, 90)), Width, Height), brush.Value.Rle!);
        Assert.Equal(Math.Round(1 / (1 + Math.Exp(-4)), 4), brush.Score);
        var box = result[1];
        Assert.Equal(("rectanglelabels", "box"), (box.Type, box.FromName));
        Assert.Equal((12.5, 25.0, 25.0, 50.0), (box.Value!.X!.Value, box.Value.Y!.Value, box.Value.Width!.Value, box.Value.Height!.Value));
        Assert.Empty(PredictionValidator.Validate(System.Text.Json.JsonSerializer.SerializeToElement(first[0], Sdk.Json.SdkJson.Options), LabelConfig.Parse(Config)));

        // Batch: the caption is the brush labels ("car . person ."): a Car and a Person mask (no Person rectangle label),
        // from the embedding cached by the first call.
        var labels = Assert.Single(batch).Result.Select(r => (r.Type, r.Value!.Labels![0])).ToList();
        Assert.Equal([("brushlabels", "Car"), ("rectanglelabels", "Car"), ("brushlabels", "Person")], labels);
        Assert.Equal(1, backend.Segmenter!.EncoderRuns);
        Assert.Equal(3, backend.Segmenter.DecoderRuns);
    }

    [Fact]
    public void Missing_models_name_every_setting_to_fix()
    {
        using var backend = _backends.Create((config, data, env) => new GroundingSamBackend(TestBackends.Bind<SamSettings>(config),
            TestBackends.Bind<GroundingDinoSettings>(config), data, NullLogger<GroundingSamBackend>.Instance, env), new Dictionary<string, string?>(), "groundingsam");

        Assert.Contains("EncoderPath", backend.HealthError);
        Assert.Contains("DinoModelPath", backend.HealthError);
    }
}
