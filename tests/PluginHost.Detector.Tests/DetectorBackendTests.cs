using System.Text.Json;
using PluginHost.Detector.Tests.Support;
using PluginHost.Plugins.OnnxDetector;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Tests.Shared;
using SkiaSharp;
using Xunit;

namespace PluginHost.Detector.Tests;

public sealed class DetectorBackendTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly TaskDataServices _data;

    public DetectorBackendTests() => _data = new TaskDataServices(o => o.CacheDirectory = _temp.File("cache"));

    public void Dispose()
    {
        _data.Dispose();
        _temp.Dispose();
    }

    private DetectorBackend Backend(byte[] model, Dictionary<string, string?>? settings = null, string name = "planted.onnx")
    {
        File.WriteAllBytes(_temp.File(name), model);
        settings ??= new();
        settings.TryAdd("ModelPath", name);
        return TestDetector.Create(_data.Resolver, _temp.Path, settings);
    }

    public static TheoryData<string> Layouts => new() { "v8", "v5" };

    private static byte[] Model(string layout, string? names = Scene.Names, bool dynamicBatch = true) => layout == "v8"
        ? PlantedModel.YoloV8(Scene.InputSize, 3, Scene.Boxes, names, dynamicBatch)
        : PlantedModel.YoloV5(Scene.InputSize, 3, Scene.Boxes, names, dynamicBatch);

    private static void AssertRect(Region region, string label, double score, (double X, double Y, double W, double H) rect, double scoreTolerance = 1e-9)
    {
        Assert.Equal("label", region.FromName);
        Assert.Equal("image", region.ToName);
        Assert.Equal("rectanglelabels", region.Type);
        Assert.Equal([label], region.Value!.Labels!);
        Assert.Equal("rectanglelabels", region.Value.LabelsKey);
        Assert.InRange(region.Score!.Value, score - scoreTolerance, score + scoreTolerance);
        Assert.Equal(rect.X, region.Value.X!.Value, 9);
        Assert.Equal(rect.Y, region.Value.Y!.Value, 9);
        Assert.Equal(rect.W, region.Value.Width!.Value, 9);
        Assert.Equal(rect.H, region.Value.Height!.Value, 9);
        Assert.Equal(0, region.Value.Rotation);
        Assert.Equal(Scene.ImageWidth, region.OriginalWidth);
        Assert.Equal(Scene.ImageHeight, region.OriginalHeight);
        Assert.Equal(0, region.ImageRotation);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task Planted_boxes_come_back_as_exact_rectangles_with_nms_threshold_and_label_mapping(string layout)
    {
        using var backend = Backend(Model(layout));
        Assert.Null(backend.HealthError);

        var predictions = await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithThreshold, Scene.DataUri(Scene.Png())), CancellationToken.None);

        var prediction = Assert.Single(predictions);
        // A survives; B is suppressed by A (same class, IoU 0.88); C is another class at the same place; D is on black;
        // E is a dog (no such label); F is under the control's model_score_threshold of 0.5.
        Assert.Equal(2, prediction.Result.Count);
        AssertRect(prediction.Result[0], "Car", 0.9, Scene.RectAC);
        AssertRect(prediction.Result[1], "Person", 0.7, Scene.RectAC);
        Assert.Equal(0.8, prediction.Score!.Value, 9);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task Channels_after_the_named_classes_are_ignored(string layout)
    {
        // A -seg export appends 32 mask coefficients per candidate; here 3 channels of 5.0 that would win every argmax.
        var model = layout == "v8"
            ? PlantedModel.YoloV8(Scene.InputSize, 3, Scene.Boxes, Scene.Names, extraChannels: 3)
            : PlantedModel.YoloV5(Scene.InputSize, 3, Scene.Boxes, Scene.Names, extraChannels: 3);
        // Six candidates are too few for the layout to be told from the shape (real models have thousands).
        using var backend = Backend(model, new() { ["OutputFormat"] = layout == "v8" ? "yolov8" : "yolov5" });

        var result = Assert.Single(await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithThreshold, Scene.DataUri(Scene.Png())), CancellationToken.None)).Result;

        Assert.Equal(2, result.Count);
        AssertRect(result[0], "Car", 0.9, Scene.RectAC);
        AssertRect(result[1], "Person", 0.7, Scene.RectAC);
    }

    [Fact]
    public async Task Output_read_in_the_wrong_layout_is_a_clear_error()
    {
        using var backend = Backend(PlantedModel.YoloV8(Scene.InputSize, 3, Scene.Boxes, Scene.Names, extraChannels: 3), new() { ["OutputFormat"] = "yolov5" });

        var error = await Assert.ThrowsAsync<DetectorConfigurationException>(async () =>
            await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithThreshold, Scene.DataUri(Scene.Png())), CancellationToken.None));

        Assert.Contains("OutputFormat", error.Message);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public async Task Settings_threshold_applies_when_the_control_has_none(string layout)
    {
        using var backend = Backend(Model(layout), new() { ["ScoreThreshold"] = "0.25" });

        var predictions = await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithoutThreshold, Scene.DataUri(Scene.Png())), CancellationToken.None);

        var result = Assert.Single(predictions).Result;
        Assert.Equal(3, result.Count);
        AssertRect(result[2], "Car", 0.3, Scene.RectF);
    }

    [Fact]
    public async Task Lower_iou_threshold_is_honoured_and_higher_one_keeps_overlaps()
    {
        using var loose = Backend(Model("v8"), new() { ["IouThreshold"] = "0.95" }, "loose.onnx");

        var result = Assert.Single(await loose.PredictAsync(TestDetector.Context(Scene.ConfigWithThreshold, Scene.DataUri(Scene.Png())), CancellationToken.None)).Result;

        // With IoU 0.95, B (IoU 0.88 with A) is no longer suppressed.
        Assert.Equal(3, result.Count);
        Assert.Equal([0.9, 0.8, 0.7], result.Select(r => r.Score!.Value));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task Exif_orientation_is_applied_before_detection_and_in_the_reported_size(ushort orientation)
    {
        // Store the pixels so that, once the EXIF orientation is applied, the upright image is the shared scene.
        var swaps = orientation >= 5;
        var (rawW, rawH) = swaps ? (Scene.ImageHeight, Scene.ImageWidth) : (Scene.ImageWidth, Scene.ImageHeight);
        var jpeg = TestImages.WithExifOrientation(
            TestImages.Jpeg(rawW, rawH, ToRaw(Scene.RedArea1, orientation, rawW, rawH), ToRaw(Scene.RedArea2, orientation, rawW, rawH)),
            orientation);
        using var backend = Backend(Model("v8"), new() { ["ScoreThreshold"] = "0.25" });

        var result = Assert.Single(await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithoutThreshold, Scene.DataUri(jpeg, "image/jpeg")), CancellationToken.None)).Result;

        // JPEG keeps red only approximately, so scores are close rather than exact; geometry is exact. F's red area is
        // off-centre, so any mirroring or rotation mistake leaves F on black.
        Assert.Equal(3, result.Count);
        AssertRect(result[0], "Car", 0.9, Scene.RectAC, scoreTolerance: 0.02);
        AssertRect(result[1], "Person", 0.7, Scene.RectAC, scoreTolerance: 0.02);
        AssertRect(result[2], "Car", 0.3, Scene.RectF, scoreTolerance: 0.02);
    }

    /// <summary>Where an upright rectangle is stored in the raw pixels for an EXIF orientation (the inverse mapping).</summary>
    private static SKRectI ToRaw(SKRectI upright, ushort orientation, int rawW, int rawH)
    {
        (int X, int Y) Map(int x, int y) => orientation switch
        {
            2 => (rawW - x, y),
            3 => (rawW - x, rawH - y),
            4 => (x, rawH - y),
            5 => (y, x),
            6 => (y, rawH - x),
            7 => (rawW - y, rawH - x),
            8 => (rawW - y, x),
            _ => (x, y),
        };
        var a = Map(upright.Left, upright.Top);
        var b = Map(upright.Right, upright.Bottom);
        return new SKRectI(Math.Min(a.X, b.X), Math.Min(a.Y, b.Y), Math.Max(a.X, b.X), Math.Max(a.Y, b.Y));
    }

    [Fact]
    public async Task Portrait_image_is_padded_left_and_right_and_boxes_are_clipped_to_the_image()
    {
        // 128×256 into 64×64: scaled by 1/4 to 32×64, 16 columns of padding on the left.
        PlantedBox[] boxes =
        [
            new(32, 20, 8, 16, 0, 0.9f),  // (28,12)-(36,28) → (48,48)-(80,112)
            new(20, 40, 12, 8, 1, 0.8f),  // (14,36)-(26,44): starts in the padding → clipped at x=0
        ];
        var image = TestImages.Png(128, 256, new SKRectI(48, 48, 80, 112), new SKRectI(0, 140, 40, 180));
        using var backend = Backend(PlantedModel.YoloV8(Scene.InputSize, 3, boxes, Scene.Names));

        var result = Assert.Single(await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithThreshold, Scene.DataUri(image)), CancellationToken.None)).Result;

        Assert.Equal(2, result.Count);
        Assert.All(result, r => Assert.Equal((128, 256), (r.OriginalWidth!.Value, r.OriginalHeight!.Value)));
        Assert.Equal((37.5, 18.75, 25.0, 25.0), (result[0].Value!.X!.Value, result[0].Value!.Y!.Value, result[0].Value!.Width!.Value, result[0].Value!.Height!.Value));
        Assert.Equal((0.0, 56.25, 31.25, 12.5), (result[1].Value!.X!.Value, result[1].Value!.Y!.Value, result[1].Value!.Width!.Value, result[1].Value!.Height!.Value));
    }

    [Fact]
    public async Task Batch_of_tasks_keeps_task_order_across_model_batches()
    {
        var black = Scene.DataUri(TestImages.Png(Scene.ImageWidth, Scene.ImageHeight));
        var scene = Scene.DataUri(Scene.Png());
        using var backend = Backend(Model("v8"), new() { ["BatchSize"] = "2", ["MaxConcurrency"] = "2" });

        var predictions = await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithThreshold, scene, black, scene, black, scene), CancellationToken.None);

        Assert.Equal(5, predictions.Count);
        Assert.Equal([2, 0, 2, 0, 2], predictions.Select(p => p.Result.Count));
        Assert.Equal([0.8, 0, 0.8, 0, 0.8], predictions.Select(p => p.Score!.Value));
        foreach (var p in predictions.Where(p => p.Result.Count > 0)) AssertRect(p.Result[0], "Car", 0.9, Scene.RectAC);
    }

    [Fact]
    public async Task Static_batch_model_runs_one_image_at_a_time()
    {
        using var backend = Backend(PlantedModel.YoloV5(Scene.InputSize, 3, Scene.Boxes, Scene.Names, dynamicBatch: false));

        var predictions = await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithThreshold, Scene.DataUri(Scene.Png()), Scene.DataUri(Scene.Png())), CancellationToken.None);

        Assert.All(predictions, p => Assert.Equal(2, p.Result.Count));
    }

    [Fact]
    public async Task Class_names_from_settings_replace_missing_metadata()
    {
        using var backend = Backend(Model("v8", names: null), new() { ["ClassNames:0"] = "car", ["ClassNames:1"] = "person", ["ClassNames:2"] = "dog" });

        var result = Assert.Single(await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithThreshold, Scene.DataUri(Scene.Png())), CancellationToken.None)).Result;

        Assert.Equal(["Car", "Person"], result.Select(r => r.Value!.Labels![0]));
    }

    [Fact]
    public async Task Without_names_class_indexes_map_through_predicted_values()
    {
        const string config = """
            <View><Image name="image" value="$image"/>
              <RectangleLabels name="label" toName="image" model_score_threshold="0.5"><Label value="Person" predicted_values="1"/></RectangleLabels>
            </View>
            """;
        // Without names the layout is guessed from the longer axis, which only works for real anchor counts (thousands);
        // this six-box model needs the format spelled out.
        using var backend = Backend(Model("v5", names: null), new() { ["OutputFormat"] = "yolov5" });

        var result = Assert.Single(await backend.PredictAsync(TestDetector.Context(config, Scene.DataUri(Scene.Png())), CancellationToken.None)).Result;

        AssertRect(Assert.Single(result), "Person", 0.7, Scene.RectAC);
    }

    [Fact]
    public async Task Regions_serialize_in_label_studio_shape()
    {
        using var backend = Backend(Model("v8"));

        var prediction = Assert.Single(await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithThreshold, Scene.DataUri(Scene.Png())), CancellationToken.None));
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(prediction.Result[0]));
        var root = json.RootElement;

        Assert.Equal("rectanglelabels", root.GetProperty("type").GetString());
        Assert.Equal(256, root.GetProperty("original_width").GetInt32());
        Assert.Equal(128, root.GetProperty("original_height").GetInt32());
        Assert.Equal(0, root.GetProperty("image_rotation").GetDouble());
        Assert.Equal("Car", root.GetProperty("value").GetProperty("rectanglelabels")[0].GetString());
        Assert.Equal(12.5, root.GetProperty("value").GetProperty("x").GetDouble());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Images_are_fetched_through_Label_Studio_with_a_personal_access_token()
    {
        await using var ls = await FakeLabelStudio.StartAsync();
        ls.Files["/data/upload/7/scene.png"] = Scene.Png();
        using var data = new TaskDataServices(o =>
        {
            o.LabelStudioUrl = ls.Url;
            o.ApiKey = ls.PersonalAccessToken;
            o.CacheDirectory = _temp.File("ls-cache");
        });
        File.WriteAllBytes(_temp.File("m.onnx"), Model("v8"));
        using var backend = TestDetector.Create(data.Resolver, _temp.Path, new Dictionary<string, string?> { ["ModelPath"] = "m.onnx" });

        var predictions = await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithThreshold, "/data/upload/7/scene.png", "/data/upload/7/scene.png"), CancellationToken.None);

        Assert.All(predictions, p => AssertRect(p.Result[0], "Car", 0.9, Scene.RectAC));
        Assert.Equal(1, ls.Refreshes);
        Assert.Contains(ls.RequestsTo("/data/upload/7/scene.png"), r => r.Authorization!.StartsWith("Bearer ", StringComparison.Ordinal));

        var missing = await Assert.ThrowsAsync<TaskDataException>(async () =>
            await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithThreshold, "/data/upload/7/missing.png"), CancellationToken.None));
        Assert.Contains("/data/upload/7/missing.png", missing.Message);
        Assert.Contains("404", missing.Message);
    }

    [Fact]
    public async Task Missing_model_setting_is_unhealthy_and_predict_says_why()
    {
        using var backend = TestDetector.Create(_data.Resolver, _temp.Path, new Dictionary<string, string?>());

        Assert.Contains("Settings.ModelPath", backend.HealthError);
        Assert.Null(backend.Version);
        var error = await Assert.ThrowsAsync<DetectorConfigurationException>(async () =>
            await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithThreshold, Scene.DataUri(Scene.Png())), CancellationToken.None));
        Assert.Equal(backend.HealthError, error.Message);
    }

    [Fact]
    public void Missing_model_file_is_unhealthy()
    {
        using var backend = TestDetector.Create(_data.Resolver, _temp.Path, new Dictionary<string, string?> { ["ModelPath"] = "nope/yolo.onnx" });

        Assert.Contains("does not exist", backend.HealthError);
        Assert.Contains("yolo.onnx", backend.HealthError);
    }

    [Fact]
    public void Invalid_model_file_is_unhealthy()
    {
        using var backend = Backend("this is not a protobuf"u8.ToArray(), name: "broken.onnx");

        Assert.Contains("broken.onnx", backend.HealthError);
        Assert.Contains("not a loadable ONNX model", backend.HealthError);
    }

    [Fact]
    public void Model_with_a_non_yolo_output_is_unhealthy()
    {
        var graph = new Onnx.GraphProto { Name = "flat" };
        graph.Input.Add(PlantedModel.TensorInfo("images", 1, 3, 32, 32));
        graph.Initializer.Add(PlantedModel.Int64s("shape", [1, -1]));
        graph.Node.Add(PlantedModel.Node("Reshape", ["images", "shape"], ["flat"]));
        var output = PlantedModel.TensorInfo("flat", 1, 3072);
        graph.Output.Add(output);
        var model = new Onnx.ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new Onnx.OperatorSetIdProto { Domain = "", Version = 13 });
        model.MetadataProps.Add(new Onnx.StringStringEntryProto { Key = "task", Value = "detect" });

        using var backend = Backend(Google.Protobuf.MessageExtensions.ToByteArray(model), name: "flat.onnx");

        Assert.Contains("flat [1, 3072]; expected a YOLO detection model: output [batch, 4+C, N]", backend.HealthError);
    }

    [Fact]
    public void Invalid_setting_is_unhealthy_with_the_setting_named()
    {
        using var backend = Backend(Model("v8"), new() { ["ScoreThreshold"] = "high" });

        Assert.Contains("'ScoreThreshold'", backend.HealthError);
    }

    [Fact]
    public void Version_follows_the_model_file_content()
    {
        using var a = Backend(Model("v8"), name: "yolo-a.onnx");
        using var b = Backend(Model("v5"), name: "yolo-b.onnx");

        Assert.Matches("^yolo-a-[0-9a-f]{8}$", a.Version);
        Assert.Matches("^yolo-b-[0-9a-f]{8}$", b.Version);
        Assert.NotEqual(a.Version![^8..], b.Version![^8..]);
    }

    [Fact]
    public async Task Config_without_rectangle_labels_on_an_image_is_a_clear_error()
    {
        using var backend = Backend(Model("v8"));
        const string config = """<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="A"/></Choices></View>""";

        var error = await Assert.ThrowsAsync<LabelConfigException>(async () =>
            await backend.PredictAsync(TestDetector.Context(config, "x"), CancellationToken.None));

        Assert.Contains("RectangleLabels", error.Message);
    }

    [Fact]
    public async Task Undecodable_image_names_the_task()
    {
        using var backend = Backend(Model("v8"));

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await backend.PredictAsync(TestDetector.Context(Scene.ConfigWithThreshold, "data:image/png;base64,AAAA"), CancellationToken.None));

        Assert.Contains("Task 100", error.Message);
    }
}
