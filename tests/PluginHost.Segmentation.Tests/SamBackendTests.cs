using System.Globalization;
using PluginHost.Detector.Tests.Support;
using PluginHost.Plugins.Segmentation;
using PluginHost.Plugins.Segmentation.Sam;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Segmentation.Tests.Support;
using SkiaSharp;
using Xunit;

namespace PluginHost.Segmentation.Tests;

public sealed class SamBackendTests : IDisposable
{
    /// <summary>Encoder input side: a 160×120 image is resized to 64×48 (scale 0.4), as ResizeLongestSide does.</summary>
    private const int Side = 64;
    private const int Width = 160;
    private const int Height = 120;
    private const double Radius = 10; // R² = 100: pixel centres (half-integers) are never exactly on the circle
    private const float Score = 0.875f;

    private const string BrushConfig = """
        <View>
          <Image name="image" value="$image"/>
          <BrushLabels name="tag" toName="image"><Label value="Banana"/><Label value="Orange"/></BrushLabels>
          <KeyPointLabels name="tag2" toName="image" smart="true"><Label value="Banana" smart="true"/><Label value="Orange" smart="true"/></KeyPointLabels>
          <RectangleLabels name="tag3" toName="image" smart="true"><Label value="Banana"/><Label value="Orange"/></RectangleLabels>
        </View>
        """;

    private const string PolygonConfig = """
        <View>
          <Image name="image" value="$image"/>
          <PolygonLabels name="poly" toName="image"><Label value="Orange"/></PolygonLabels>
          <RectangleLabels name="box" toName="image" smart="true"><Label value="Orange"/></RectangleLabels>
        </View>
        """;

    private readonly TestBackends _backends = new();

    public void Dispose() => _backends.Dispose();

    private SamBackend Backend(byte[]? decoder = null, Dictionary<string, string?>? settings = null)
    {
        settings ??= new();
        settings.TryAdd("EncoderPath", _backends.Write("encoder.onnx", PlantedSam.Encoder(Side)));
        settings.TryAdd("DecoderPath", _backends.Write("decoder.onnx", decoder ?? PlantedSam.Decoder(Side, Radius, Score)));
        return _backends.Create((config, data, env) => new SamBackend(TestBackends.Bind<SamSettings>(config), data,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SamBackend>.Instance, env), settings, "sam");
    }

    private static string Image(params SKRectI[] red) => TestBackends.DataUri(TestImages.Png(Width, Height, red));

    private static string Click(double xPercent, double yPercent, string label = "Banana", string extra = "\"is_positive\": true") => $$$"""
        {"id":"k{{{Guid.NewGuid():N}}}","from_name":"tag2","to_name":"image","type":"keypointlabels","origin":"manual",
         "original_width":{{{Width}}},"original_height":{{{Height}}},"image_rotation":0,{{{extra}}},
         "value":{"x":{{{F(xPercent)}}},"y":{{{F(yPercent)}}},"width":0.6,"keypointlabels":["{{{label}}}"]}}
        """;

    private static string Box(string fromName, double x, double y, double w, double h, string label) => $$$"""
        {"id":"r1","from_name":"{{{fromName}}}","to_name":"image","type":"rectanglelabels","original_width":{{{Width}}},"original_height":{{{Height}}},
         "value":{"x":{{{F(x)}}},"y":{{{F(y)}}},"width":{{{F(w)}}},"height":{{{F(h)}}},"rotation":0,"rectanglelabels":["{{{label}}}"]}}
        """;

    private static string Context(params string[] regions) => $$"""{"annotation_id":null,"draft_id":0,"user_id":1,"result":[{{string.Join(",", regions)}}]}""";

    private static string F(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static void AssertBrush(Region region, string label, byte[] expected)
    {
        Assert.Equal("brushlabels", region.Type);
        Assert.Equal(("tag", "image"), (region.FromName, region.ToName));
        Assert.Equal((Width, Height, 0.0), (region.OriginalWidth!.Value, region.OriginalHeight!.Value, region.ImageRotation!.Value));
        Assert.Equal("rle", region.Value!.Format);
        Assert.Equal([label], region.Value.Labels!);
        Assert.Equal(Score, region.Score!.Value, 4);
        // Exactly the SDK encoder's bytes for the planted mask, and exactly the mask once decoded at the image's size.
        Assert.Equal(BrushRle.EncodeBinaryMask(expected, Width, Height), region.Value.Rle!);
        Assert.Equal(expected.Select(p => p == 0 ? (byte)0 : (byte)255), BrushRle.DecodeMask(region.Value.Rle!, Width, Height));
    }

    [Fact]
    public async Task Click_returns_the_planted_disc_as_an_exact_rle_mask_of_the_image_size()
    {
        using var backend = Backend();
        Assert.Null(backend.HealthError);

        var predictions = await backend.PredictAsync(TestBackends.Context(BrushConfig, [Image()], Context(Click(25, 25))), CancellationToken.None);

        var region = Assert.Single(Assert.Single(predictions).Result);
        var expected = PlantedSam.ExpectedMask(Width, Height, Radius, [(40, 30, true)]);
        Assert.Equal(316, expected.Count(p => p == 1)); // a real disc, not an empty or full mask
        AssertBrush(region, "Banana", expected);
        Assert.Empty(PredictionValidator.Validate(System.Text.Json.JsonSerializer.SerializeToElement(predictions[0], Sdk.Json.SdkJson.Options), LabelConfig.Parse(BrushConfig)));
    }

    [Fact]
    public async Task Second_click_on_the_same_image_runs_only_the_decoder()
    {
        using var backend = Backend();
        var image = Image(new SKRectI(10, 10, 50, 50));

        await backend.PredictAsync(TestBackends.Context(BrushConfig, [image], Context(Click(25, 25))), CancellationToken.None);
        var second = await backend.PredictAsync(TestBackends.Context(BrushConfig, [image], Context(Click(25, 25), Click(60, 50))), CancellationToken.None);

        var sam = backend.Segmenter!;
        Assert.Equal(1, sam.EncoderRuns);
        Assert.Equal(2, sam.DecoderRuns);
        Assert.Equal((1, 1), (sam.Cache.Hits, sam.Cache.Misses));
        AssertBrush(Assert.Single(second[0].Result), "Banana", PlantedSam.ExpectedMask(Width, Height, Radius, [(40, 30, true), (96, 60, true)]));

        // Another image is another embedding.
        await backend.PredictAsync(TestBackends.Context(BrushConfig, [Image(new SKRectI(0, 0, 5, 5))], Context(Click(25, 25))), CancellationToken.None);
        Assert.Equal(2, sam.EncoderRuns);
    }

    [Fact]
    public async Task Concurrent_first_clicks_on_a_new_image_share_one_encoder_run()
    {
        using var backend = Backend();
        var image = Image(new SKRectI(20, 20, 30, 30));

        var clicks = Enumerable.Range(0, 4).Select(i => backend.PredictAsync(
            TestBackends.Context(BrushConfig, [image], Context(Click(20 + 10 * i, 40))), CancellationToken.None).AsTask());
        var answers = await Task.WhenAll(clicks);

        Assert.All(answers, a => Assert.Single(a[0].Result));
        Assert.Equal(1, backend.Segmenter!.EncoderRuns);
        Assert.Equal(4, backend.Segmenter.DecoderRuns);
    }

    [Theory]
    [InlineData("\"is_positive\": false", "Banana")]
    [InlineData("\"is_positive\": 0", "Banana")]
    [InlineData("\"negative\": true", "Banana")]
    [InlineData("\"origin\": \"manual\"", "-Banana")]
    public async Task Negative_click_cuts_its_disc_out_of_the_mask(string flag, string negativeLabel)
    {
        const string config = """
            <View>
              <Image name="image" value="$image"/>
              <BrushLabels name="tag" toName="image"><Label value="Banana"/></BrushLabels>
              <KeyPointLabels name="tag2" toName="image" smart="true"><Label value="Banana"/><Label value="-Banana"/></KeyPointLabels>
            </View>
            """;
        using var backend = Backend();

        var predictions = await backend.PredictAsync(TestBackends.Context(config, [Image()],
            Context(Click(25, 25), Click(30, 25, negativeLabel, flag.Replace("\"origin\": \"manual\"", "\"readonly\": false")))), CancellationToken.None);

        var expected = PlantedSam.ExpectedMask(Width, Height, Radius, [(40, 30, true), (48, 30, false)]);
        var full = PlantedSam.ExpectedMask(Width, Height, Radius, [(40, 30, true)]);
        Assert.True(expected.Count(p => p == 1) < full.Count(p => p == 1) / 2);
        AssertBrush(Assert.Single(predictions[0].Result), "Banana", expected);
    }

    [Fact]
    public async Task Box_prompt_segments_the_box_and_takes_its_label()
    {
        using var backend = Backend();

        var predictions = await backend.PredictAsync(TestBackends.Context(BrushConfig, [Image()], Context(Box("tag3", 10, 20, 25, 50, "Orange"))), CancellationToken.None);

        // 10%..35% of 160 = 16..56, 20%..70% of 120 = 24..84.
        AssertBrush(Assert.Single(predictions[0].Result), "Orange", PlantedSam.ExpectedMask(Width, Height, Radius, [], (16, 24, 56, 84)));
    }

    [Fact]
    public async Task Polygon_config_gets_the_outline_of_the_mask()
    {
        using var backend = Backend();

        var predictions = await backend.PredictAsync(TestBackends.Context(PolygonConfig, [Image()], Context(Box("box", 10, 20, 25, 50, "Orange"))), CancellationToken.None);

        var region = Assert.Single(predictions[0].Result);
        Assert.Equal("polygonlabels", region.Type);
        Assert.Equal(("poly", "image"), (region.FromName, region.ToName));
        Assert.Equal(["Orange"], region.Value!.Labels!);
        // The box's pixels 16..55 × 24..83: its outline is the four pixel corners, clockwise from the top-left.
        Assert.Equal([(10.0, 20.0), (35.0, 20.0), (35.0, 70.0), (10.0, 70.0)], region.Value.Points!.Select(p => (Math.Round(p.X, 9), Math.Round(p.Y, 9))));
    }

    [Fact]
    public async Task Batch_predict_without_context_prewarms_embeddings_and_stores_nothing()
    {
        using var backend = Backend();
        string[] images = [Image(new SKRectI(1, 1, 9, 9)), Image(new SKRectI(2, 2, 9, 9)), Image(new SKRectI(3, 3, 9, 9))];

        var batch = await backend.PredictAsync(TestBackends.Context(BrushConfig, images), CancellationToken.None);

        Assert.Empty(batch);
        Assert.Equal(3, backend.Segmenter!.EncoderRuns);
        Assert.Equal(3, backend.Segmenter.Cache.Count);
        await backend.PredictAsync(TestBackends.Context(BrushConfig, [images[1]], Context(Click(50, 50))), CancellationToken.None);
        Assert.Equal(3, backend.Segmenter.EncoderRuns);
        Assert.Equal(1, backend.Segmenter.DecoderRuns);
    }

    [Fact]
    public async Task Click_label_missing_from_the_brush_control_is_a_label_config_error()
    {
        using var backend = Backend();

        var error = await Assert.ThrowsAsync<LabelConfigException>(async () =>
            await backend.PredictAsync(TestBackends.Context(BrushConfig, [Image()], Context(Click(25, 25, "Kiwi"))), CancellationToken.None));

        Assert.Contains("'Kiwi'", error.Message);
        Assert.Contains("BrushLabels", error.Message);
    }

    [Theory]
    [InlineData("orig_im_size")]
    [InlineData("mask_input")]
    public void Decoder_with_a_wrong_signature_is_unhealthy_naming_the_expected_inputs(string omitted)
    {
        using var backend = Backend(PlantedSam.Decoder(Side, Radius, Score, omitInput: omitted));

        Assert.NotNull(backend.HealthError);
        Assert.Contains("expected inputs image_embeddings [1, 256, 64, 64], point_coords [1, N, 2], point_labels [1, N], mask_input", backend.HealthError);
        Assert.Contains("orig_im_size [2]", backend.HealthError);
        Assert.Contains("decoder.onnx", backend.HealthError);
    }

    [Fact]
    public void Encoder_given_as_decoder_is_unhealthy_and_names_what_it_found()
    {
        using var backend = Backend(PlantedSam.Encoder(Side));

        Assert.Contains("has inputs image [1, 3, 64, 64] Float", backend.HealthError);
    }

    [Fact]
    public async Task Missing_model_settings_are_unhealthy_and_predict_says_why()
    {
        using var backend = _backends.Create((config, data, env) => new SamBackend(TestBackends.Bind<SamSettings>(config), data,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SamBackend>.Instance, env), new Dictionary<string, string?>(), "sam");

        Assert.Contains("EncoderPath", backend.HealthError);
        var error = await Assert.ThrowsAsync<ModelConfigurationException>(async () =>
            await backend.PredictAsync(TestBackends.Context(BrushConfig, [Image()], Context(Click(25, 25))), CancellationToken.None));
        Assert.Contains("DecoderPath", error.Message);
    }

    [Fact]
    public void The_python_examples_pytorch_checkpoint_variables_are_named_when_the_models_are_missing()
    {
        using var backend = _backends.Create((config, data, env) => new SamBackend(
            TestBackends.BindWithEnvironment<SamSettings>(env, new Dictionary<string, string> { ["MOBILESAM_CHECKPOINT"] = "/app/models/mobile_sam.pt" }), data,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SamBackend>.Instance, env), new Dictionary<string, string?>(), "sam");

        Assert.Contains("set Settings.EncoderPath and Settings.DecoderPath", backend.HealthError);
        Assert.EndsWith("(MOBILESAM_CHECKPOINT=/app/models/mobile_sam.pt: the Python example's PyTorch checkpoint, which ONNX Runtime cannot run; " +
            "export to ONNX as docs/sam.md says.)", backend.HealthError);
    }

    [Fact]
    public async Task ONNX_CHECKPOINT_from_the_python_example_is_the_decoder_unless_settings_name_one()
    {
        var decoder = Path.Combine(_backends.ModelDirectory, _backends.Write("sam_onnx_quantized_example.onnx", PlantedSam.Decoder(Side, Radius, Score)));
        SamBackend WithEnvironment(Dictionary<string, string?> settings) => _backends.Create((config, data, env) => new SamBackend(
            TestBackends.BindWithEnvironment<SamSettings>(env, new Dictionary<string, string> { ["ONNX_CHECKPOINT"] = decoder }), data,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SamBackend>.Instance, env), settings, "sam");
        var encoder = _backends.Write("encoder.onnx", PlantedSam.Encoder(Side));

        using (var fromEnvironment = WithEnvironment(new() { ["EncoderPath"] = encoder }))
        {
            Assert.Null(fromEnvironment.HealthError);
            Assert.Contains("sam_onnx_quantized_example-", fromEnvironment.Version);
            var prediction = Assert.Single(await fromEnvironment.PredictAsync(TestBackends.Context(BrushConfig, [Image()], Context(Click(25, 25))), CancellationToken.None));
            AssertBrush(Assert.Single(prediction.Result), "Banana", PlantedSam.ExpectedMask(Width, Height, Radius, [(40, 30, true)]));
        }
        using var fromSettings = WithEnvironment(new() { ["EncoderPath"] = encoder, ["DecoderPath"] = "missing.onnx" });
        Assert.Contains("missing.onnx", fromSettings.HealthError);
    }
}
