using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.Detector.Tests.Support;
using PluginHost.Plugins.Segmentation.GroundingDino;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Segmentation.Tests.Support;
using Xunit;

namespace PluginHost.Segmentation.Tests;

public sealed class GroundingDinoBackendTests : IDisposable
{
    private const int Width = 160;
    private const int Height = 120;

    /// <summary>Query 0: a car at (20,30)-(60,90) px; query 1: a person at (96,12)-(144,60); query 2: a dog; query 3: a
    /// weak car (logit −1: 0.27, under the 0.3 box threshold).</summary>
    private static readonly PlantedQuery[] Queries =
    [
        new(0.25f, 0.5f, 0.25f, 0.5f, "car", 4),
        new(0.75f, 0.3f, 0.3f, 0.4f, "person", 2),
        new(0.5f, 0.5f, 0.1f, 0.1f, "dog", 5),
        new(0.1f, 0.1f, 0.1f, 0.1f, "car", -1),
    ];

    private const string Config = """
        <View>
          <Image name="image" value="$image"/>
          <TextArea name="prompt" toName="image" editable="true" rows="2" maxSubmissions="1" showSubmitButton="true"/>
          <RectangleLabels name="label" toName="image"><Label value="Vehicle" predicted_values="car"/><Label value="PERSON"/></RectangleLabels>
        </View>
        """;

    private readonly TestBackends _backends = new();

    public void Dispose() => _backends.Dispose();

    /// <param name="environment">Process environment variables as the plugin's startup reads them (none by default).</param>
    private GroundingDinoBackend Backend(byte[]? model = null, bool vocab = true, Dictionary<string, string?>? settings = null,
        Dictionary<string, string>? environment = null)
    {
        settings ??= new();
        settings.TryAdd("DinoModelPath", _backends.Write("dino.onnx", model ?? PlantedDino.Model(Queries)));
        if (vocab) _backends.Write("vocab.txt", System.Text.Encoding.UTF8.GetBytes(PlantedDino.VocabText));
        return _backends.Create((config, data, env) => new GroundingDinoBackend(TestBackends.BindWithEnvironment<GroundingDinoSettings>(env, environment ?? []), data,
            NullLogger<GroundingDinoBackend>.Instance, env), settings, "groundingdino");
    }

    private const string CarPersonConfig = """
        <View><Image name="image" value="$image"/>
          <RectangleLabels name="label" toName="image"><Label value="car"/><Label value="person"/></RectangleLabels></View>
        """;

    private async Task<List<(string Label, double Score)>> BatchBoxesAsync(GroundingDinoBackend backend)
    {
        Assert.Null(backend.HealthError);
        var result = Assert.Single(await backend.PredictAsync(TestBackends.Context(CarPersonConfig, [Image()]), CancellationToken.None)).Result;
        return [.. result.Select(r => (r.Value!.Labels![0], r.Score!.Value))];
    }

    private static string Image() => TestBackends.DataUri(TestImages.Png(Width, Height));

    private static string Prompt(string text) => $$"""
        {"result":[{"id":"p1","from_name":"prompt","to_name":"image","type":"textarea","origin":"manual","value":{"text":["{{text}}"]} } ]}
        """;

    private static void AssertBox(Region region, string label, double score, (double X, double Y, double W, double H) box)
    {
        Assert.Equal(("rectanglelabels", "label", "image"), (region.Type, region.FromName, region.ToName));
        Assert.Equal([label], region.Value!.Labels!);
        Assert.Equal(score, region.Score!.Value, 4);
        Assert.Equal(box, (Math.Round(region.Value.X!.Value, 6), Math.Round(region.Value.Y!.Value, 6), Math.Round(region.Value.Width!.Value, 6), Math.Round(region.Value.Height!.Value, 6)));
        Assert.Equal((Width, Height), (region.OriginalWidth!.Value, region.OriginalHeight!.Value));
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    [Fact]
    public async Task Typed_phrase_lights_up_its_token_and_gets_the_planted_box_with_the_mapped_label()
    {
        using var backend = Backend();
        Assert.Null(backend.HealthError);

        var predictions = await backend.PredictAsync(TestBackends.Context(Config, [Image()], Prompt("car")), CancellationToken.None);

        // "car" maps to Vehicle through predicted_values; the person and dog tokens are not in the caption; the weak car is under the threshold.
        var region = Assert.Single(Assert.Single(predictions).Result);
        AssertBox(region, "Vehicle", Math.Round(Sigmoid(4), 4), (12.5, 25, 25, 50));
        Assert.Empty(PredictionValidator.Validate(System.Text.Json.JsonSerializer.SerializeToElement(predictions[0], Sdk.Json.SdkJson.Options), LabelConfig.Parse(Config)));
    }

    [Fact]
    public async Task Batch_caption_is_the_labels_and_phrases_map_back_case_insensitively()
    {
        using var backend = Backend();

        var predictions = await backend.PredictAsync(TestBackends.Context(Config, [Image(), Image()]), CancellationToken.None);

        Assert.Equal(2, predictions.Count);
        var result = predictions[1].Result;
        Assert.Equal(2, result.Count);
        AssertBox(result[0], "Vehicle", Math.Round(Sigmoid(4), 4), (12.5, 25, 25, 50));
        AssertBox(result[1], "PERSON", Math.Round(Sigmoid(2), 4), (60, 10, 30, 40));
        Assert.Equal(2, backend.Detector!.Runs);
    }

    [Fact]
    public async Task Phrase_naming_a_label_among_other_words_takes_that_label()
    {
        using var backend = Backend();

        var result = Assert.Single(await backend.PredictAsync(TestBackends.Context(Config, [Image()], Prompt("big red person . a dog")), CancellationToken.None)).Result;

        // "big red person" → PERSON (by its word); "a dog" maps to nothing, so the dog's box is left out.
        AssertBox(Assert.Single(result), "PERSON", Math.Round(Sigmoid(2), 4), (60, 10, 30, 40));
    }

    [Fact]
    public async Task Control_threshold_overrides_the_box_threshold()
    {
        const string config = """
            <View><Image name="image" value="$image"/>
              <RectangleLabels name="label" toName="image" model_score_threshold="0.9"><Label value="car"/><Label value="person"/></RectangleLabels></View>
            """;
        using var backend = Backend();

        var result = Assert.Single(await backend.PredictAsync(TestBackends.Context(config, [Image()]), CancellationToken.None)).Result;

        Assert.Equal(["car"], Assert.Single(result).Value!.Labels!); // the person (0.88) is under 0.9
    }

    [Fact]
    public async Task BOX_THRESHOLD_from_the_environment_decides_which_boxes_come_back()
    {
        // Car 0.982, person 0.881, weak car 0.269 (the dog is not in the caption "car . person .").
        using (var defaults = Backend())
            Assert.Equal(["car", "person"], (await BatchBoxesAsync(defaults)).Select(b => b.Label));
        using (var low = Backend(environment: new() { ["BOX_THRESHOLD"] = "0.2" }))
            Assert.Equal([("car", 0.982), ("person", 0.8808), ("car", 0.2689)], await BatchBoxesAsync(low));
        using (var high = Backend(environment: new() { ["BOX_THRESHOLD"] = " 0.90 " }))
            Assert.Equal(["car"], (await BatchBoxesAsync(high)).Select(b => b.Label));
    }

    [Fact]
    public async Task TEXT_THRESHOLD_from_the_environment_drops_boxes_whose_phrase_is_too_weak()
    {
        using var backend = Backend(environment: new() { ["TEXT_THRESHOLD"] = "0.95" });

        // The person (0.881) passes the box threshold but no caption token passes 0.95, so it has no phrase and no label.
        Assert.Equal(["car"], (await BatchBoxesAsync(backend)).Select(b => b.Label));
        Assert.Equal((0.3, 0.95), (backend.Detector!.Settings.BoxThreshold, backend.Detector.Settings.TextThreshold));
    }

    [Fact]
    public async Task The_settings_section_wins_over_the_environment_name()
    {
        using var backend = Backend(settings: new() { ["BoxThreshold"] = "0.3" }, environment: new() { ["BOX_THRESHOLD"] = "0.9", ["TEXT_THRESHOLD"] = "0.1" });

        Assert.Equal(["car", "person"], (await BatchBoxesAsync(backend)).Select(b => b.Label));
        Assert.Equal((0.3, 0.1), (backend.Detector!.Settings.BoxThreshold, backend.Detector.Settings.TextThreshold));
    }

    [Fact]
    public void Environment_thresholds_out_of_range_or_not_numbers_are_named()
    {
        using (var outOfRange = Backend(environment: new() { ["BOX_THRESHOLD"] = "30" }))
            Assert.Contains("BoxThreshold (30) and TextThreshold (0.25) must be from 0 to 1", outOfRange.HealthError);

        var error = Assert.Throws<FormatException>(() => Backend(environment: new() { ["TEXT_THRESHOLD"] = "0,25" }));
        Assert.Equal("The environment variable TEXT_THRESHOLD must be a number, not '0,25'.", error.Message);
    }

    [Theory]
    [InlineData(null, null, new[] { "Vehicle", "PERSON" })]
    [InlineData(0.9, null, new[] { "Vehicle" })]        // the person (0.881) is under the annotator's box threshold
    [InlineData(0.2, null, new[] { "Vehicle", "PERSON", "Vehicle" })] // the weak car (0.269) comes back
    [InlineData(null, 0.95, new[] { "Vehicle" })]       // no token of the person's phrase passes 0.95
    [InlineData(0.0, null, new[] { "Vehicle", "PERSON" })] // 0 is "not set", as in the Python example
    public async Task Number_controls_named_like_the_python_example_set_the_thresholds_of_one_request(double? box, double? text, string[] labels)
    {
        const string config = """
            <View><Image name="image" value="$image"/>
              <TextArea name="prompt" toName="image" editable="true" rows="2" maxSubmissions="1" showSubmitButton="true"/>
              <Number name="box_threshold" toName="image" min="0" max="1" step="0.01"/>
              <Number name="text_threshold_value" toName="image" min="0" max="1" step="0.01"/>
              <RectangleLabels name="label" toName="image"><Label value="Vehicle" predicted_values="car"/><Label value="PERSON"/></RectangleLabels>
            </View>
            """;
        string Number(string name, double? value) => value is null ? "" : $$$""",{"from_name":"{{{name}}}","to_name":"image","type":"number","value":{"number":{{{value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}}""";
        var context = $$$"""
            {"result":[{"from_name":"prompt","to_name":"image","type":"textarea","value":{"text":["car . person"]}}{{{Number("box_threshold", box)}}}{{{Number("text_threshold_value", text)}}}]}
            """;
        using var backend = Backend(environment: new() { ["BOX_THRESHOLD"] = "0.5" });

        var result = Assert.Single(await backend.PredictAsync(TestBackends.Context(config, [Image()], context), CancellationToken.None)).Result;

        Assert.Equal(labels, result.Select(r => r.Value!.Labels![0]));
    }

    [Fact]
    public async Task A_threshold_number_outside_0_to_1_is_a_client_error_naming_the_control()
    {
        const string config = """
            <View><Image name="image" value="$image"/><TextArea name="prompt" toName="image"/><Number name="box_threshold" toName="image"/>
              <RectangleLabels name="label" toName="image"><Label value="car"/></RectangleLabels></View>
            """;
        using var backend = Backend();

        var error = await Assert.ThrowsAsync<Sdk.Backends.BackendException>(async () => await backend.PredictAsync(TestBackends.Context(config, [Image()], """
            {"result":[{"from_name":"prompt","to_name":"image","type":"textarea","value":{"text":["car"]}},
                       {"from_name":"box_threshold","to_name":"image","type":"number","value":{"number":30}}]}
            """), CancellationToken.None));

        Assert.Equal((400, "<Number name=\"box_threshold\"> is a threshold: give it a value from 0 to 1, not 30."), (error.StatusCode, error.Message));
    }

    [Fact]
    public void Caption_masks_follow_grounding_dinos_special_token_rule()
    {
        var tokenizer = Microsoft.ML.Tokenizers.BertTokenizer.Create(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(PlantedDino.VocabText)));

        var caption = Caption.Build(tokenizer, [("red car", "Car"), ("person", "Person")], 256);

        long[] ids = [.. new[] { "[CLS]", "red", "car", ".", "person", ".", "[SEP]" }.Select(PlantedDino.Id)];
        Assert.Equal(ids, caption.Ids);
        Assert.Equal([0L, 0, 1, 2, 0, 1, 0], caption.Positions);
        var expected = new bool[49];
        for (var i = 0; i < 7; i++) expected[i * 7 + i] = true;
        foreach (var (from, to) in new[] { (1, 3), (4, 5) })
            for (var r = from; r <= to; r++)
                for (var c = from; c <= to; c++) expected[r * 7 + c] = true;
        Assert.Equal(expected, caption.TextMask);
        Assert.Equal([(1, 2), (4, 4)], caption.Phrases.Select(p => (p.FirstToken, p.LastToken)));
        Assert.Equal("red car . person .", caption.Text);
    }

    [Fact]
    public void Model_without_the_text_mask_input_is_unhealthy_naming_the_expected_inputs()
    {
        using var backend = Backend(PlantedDino.Model(Queries, omitTextMask: true));

        Assert.Contains("expected inputs img [1, 3, H, W] float, input_ids [1, T]", backend.HealthError);
        Assert.Contains("text_token_mask [1, T, T]", backend.HealthError);
    }

    [Fact]
    public void Missing_vocabulary_is_unhealthy_and_says_where_it_was_looked_for()
    {
        using var backend = Backend(vocab: false);

        Assert.Contains("vocab.txt", backend.HealthError);
        Assert.Contains("VocabPath", backend.HealthError);
    }
}
