using PluginHost.Detector.Tests.Support;
using PluginHost.Plugins.OnnxDetector;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Predictions;
using PluginHost.Tests.Shared;
using Xunit;

namespace PluginHost.Detector.Tests;

/// <summary>
/// The YOLO task family on planted models of the real exports' shapes, on the shared scene (input 64, image 256×128
/// letterboxed at ¼ with 16 rows of padding on top): segmentation → polygons and brush masks, oriented boxes, pose
/// keypoints, classification; the control tag picks the task and <c>model_path</c> the model.
/// </summary>
public sealed class YoloTaskTests : IDisposable
{
    private const string SegNames = "{0: 'car', 1: 'person'}";
    private readonly TempDir _temp = new();
    private readonly TaskDataServices _data;

    public YoloTaskTests()
    {
        _data = new TaskDataServices(o => o.CacheDirectory = _temp.File("cache"));
        // The backend's own model is a plain detector; each test's control points model_path at its task's model.
        File.WriteAllBytes(_temp.File("detect.onnx"), PlantedModel.YoloV8(Scene.InputSize, 3, Scene.Boxes, Scene.Names));
    }

    public void Dispose()
    {
        _data.Dispose();
        _temp.Dispose();
    }

    private DetectorBackend Backend(Dictionary<string, string?>? settings = null)
    {
        settings ??= new();
        settings.TryAdd("ModelPath", "detect.onnx");
        return TestDetector.Create(_data.Resolver, _temp.Path, settings);
    }

    private void Write(string name, byte[] model) => File.WriteAllBytes(_temp.File(name), model);

    private static string BlackPng() => Scene.DataUri(TestImages.Png(Scene.ImageWidth, Scene.ImageHeight));

    // Segmentation: car A's mask is prototype 0 (proto pixels x 2..5, y 7..8 → input x 8..23, y 28..35 → RedArea1),
    // person G's is prototype 1, a larger area that its box crops to RectF; H sits on black and never fires.
    private static readonly PlantedBox[] SegBoxes =
    [
        new(16, 32, 24, 16, 0, 0.9f),  // A
        new(48, 40, 16, 6, 1, 0.8f),   // G
        new(48, 20, 10, 10, 0, 0.95f), // H
    ];

    private static byte[] SegmentationModel()
    {
        const int m = 32, p = 16;
        var protos = new float[m * p * p];
        Array.Fill(protos, -8f, 0, 2 * p * p);
        void Area(int channel, int x0, int x1, int y0, int y1)
        {
            for (var y = y0; y <= y1; y++)
                for (var x = x0; x <= x1; x++) protos[(channel * p + y) * p + x] = 8f;
        }
        Area(0, 2, 5, 7, 8);
        Area(1, 9, 14, 8, 11);
        var coefficients = new float[m][];
        for (var c = 0; c < m; c++) coefficients[c] = new float[SegBoxes.Length];
        coefficients[0][0] = 1; // A → prototype 0
        coefficients[1][1] = 1; // G → prototype 1
        coefficients[0][2] = 1; // H would share A's mask
        return PlantedTaskModel.Boxes("segment", Scene.InputSize, 2, SegBoxes, coefficients, SegNames, protos: protos, protoChannels: m, protoSize: p);
    }

    private static string SegConfig(string tag) => $"""
        <View>
          <Image name="image" value="$image"/>
          <{tag} name="seg" toName="image" model_path="seg.onnx">
            <Label value="Car" predicted_values="car"/>
            <Label value="Person"/>
          </{tag}>
        </View>
        """;

    [Fact]
    public async Task Segmentation_masks_become_exact_polygons_cropped_to_their_boxes_and_black_images_get_none()
    {
        Write("seg.onnx", SegmentationModel());
        using var backend = Backend(new() { ["BatchSize"] = "16", ["PolygonTolerance"] = "0" });

        var predictions = await backend.PredictAsync(TestDetector.Context(SegConfig("PolygonLabels"), Scene.DataUri(Scene.Png()), BlackPng()), CancellationToken.None);

        Assert.Equal(2, predictions.Count);
        var result = predictions[0].Result;
        Assert.Equal(2, result.Count);
        Assert.All(result, r => Assert.Equal(("seg", "image", "polygonlabels"), (r.FromName, r.ToName, r.Type)));
        Assert.Equal(["Car"], result[0].Value!.Labels!);
        Assert.Equal(0.9, result[0].Score!.Value, 6);
        // Upsampled ×4 bilinearly as Ultralytics does, a rectangle of prototype pixels loses one input pixel (4×4
        // original pixels) at each corner, where only one of the four neighbours is inside (0.625² < 0.5).
        double[] x = [36, 92, 92, 96, 96, 92, 92, 36, 36, 32, 32, 36], y = [48, 48, 52, 52, 76, 76, 80, 80, 76, 76, 52, 52];
        Assert.Equal(x.Zip(y, (px, py) => (px / 256 * 100, py / 128 * 100)), result[0].Value!.Points!);
        Assert.Equal(["Person"], result[1].Value!.Labels!);
        Assert.Equal([(62.5, 65.625), (87.5, 65.625), (87.5, 84.375), (62.5, 84.375)], result[1].Value!.Points!); // cropped to G's box
        Assert.Equal(Scene.ImageWidth, result[0].OriginalWidth);
        Assert.Empty(predictions[1].Result);
    }

    [Fact]
    public async Task Segmentation_masks_become_brush_rle_of_exactly_the_masked_pixels()
    {
        Write("seg.onnx", SegmentationModel());
        using var backend = Backend();

        var result = Assert.Single(await backend.PredictAsync(TestDetector.Context(SegConfig("BrushLabels"), Scene.DataUri(Scene.Png())), CancellationToken.None)).Result;

        Assert.Equal(2, result.Count);
        var car = result[0];
        Assert.Equal(("brushlabels", "rle"), (car.Type, car.Value!.Format));
        // RedArea1 less a 4×4 corner at each corner (see the polygon test); G's box crops its larger mask to RectF.
        AssertMask(BrushRle.DecodeMask(car.Value.Rle!, Scene.ImageWidth, Scene.ImageHeight),
            (x, y) => x is >= 32 and < 96 && y is >= 48 and < 80 && !((x < 36 || x >= 92) && (y < 52 || y >= 76)));
        AssertMask(BrushRle.DecodeMask(result[1].Value!.Rle!, Scene.ImageWidth, Scene.ImageHeight), (x, y) => x is >= 160 and < 224 && y is >= 84 and < 108);
    }

    private static void AssertMask(byte[] mask, Func<int, int, bool> expected)
    {
        var wrong = 0;
        for (var y = 0; y < Scene.ImageHeight; y++)
            for (var x = 0; x < Scene.ImageWidth; x++)
                if ((mask[y * Scene.ImageWidth + x] != 0) != expected(x, y)) wrong++;
        Assert.Equal(0, wrong);
    }

    [Fact]
    public async Task Oriented_boxes_become_rotated_rectangles_regularised_and_suppressed_by_rotated_iou()
    {
        // P1 is given tall (w < h) at 30° − 90°: the same box as 64×32 at 30°. P2 overlaps it at 33° and is suppressed.
        PlantedBox[] boxes = [new(16, 32, 8, 16, 0, 0.9f), new(16, 32, 16, 8, 0, 0.8f), new(48, 40, 16, 6, 1, 0.7f)];
        float[][] angles = [[(float)(Math.PI / 6 - Math.PI / 2), (float)(Math.PI / 6 + 0.05), 0f]];
        Write("obb.onnx", PlantedTaskModel.Boxes("obb", Scene.InputSize, 2, boxes, angles, "{0: 'plane', 1: 'ship'}"));
        using var backend = Backend();
        const string config = """
            <View>
              <Image name="image" value="$image"/>
              <RectangleLabels name="label" toName="image" model_path="obb.onnx">
                <Label value="Plane"/><Label value="Ship"/>
              </RectangleLabels>
            </View>
            """;

        var result = Assert.Single(await backend.PredictAsync(TestDetector.Context(config, Scene.DataUri(Scene.Png())), CancellationToken.None)).Result;

        Assert.Equal(2, result.Count);
        // Centre (64, 64), 64×32 original pixels, 30° clockwise: Label Studio's corner is where the width axis starts.
        var (sin, cos) = Math.SinCos(Math.PI / 6);
        var (cornerX, cornerY) = (64 - 32 * cos + 16 * sin, 64 - 32 * sin - 16 * cos);
        var plane = result[0].Value!;
        Assert.Equal(["Plane"], plane.Labels!);
        Assert.Equal(cornerX / 256 * 100, plane.X!.Value, 3);
        Assert.Equal(cornerY / 128 * 100, plane.Y!.Value, 3);
        Assert.Equal((25.0, 25.0), (Math.Round(plane.Width!.Value, 4), Math.Round(plane.Height!.Value, 4)));
        Assert.Equal(30, plane.Rotation!.Value, 3);
        var ship = result[1].Value!;
        Assert.Equal(["Ship"], ship.Labels!);
        Assert.Equal((62.5, 65.625, 25.0, 18.75, 0.0), (ship.X!.Value, ship.Y!.Value, ship.Width!.Value, ship.Height!.Value, ship.Rotation!.Value));
    }

    [Fact]
    public async Task Pose_keypoints_are_named_in_label_order_linked_to_their_box_and_filtered_by_visibility()
    {
        PlantedBox[] boxes = [new(16, 32, 16, 8, 0, 0.9f), new(48, 20, 10, 10, 0, 0.95f)]; // the second sits on black
        float[][] keypoints =
        [
            [12, 40], [30, 20], [0.9f, 0.9f],  // nose: x, y, visibility per box
            [20, 40], [34, 20], [0.8f, 0.9f],  // left eye
            [16, 40], [32, 20], [0.2f, 0.9f],  // right eye: not visible enough
        ];
        Write("pose.onnx", PlantedTaskModel.Boxes("pose", Scene.InputSize, 1, boxes, keypoints, "{0: 'person'}", kptShape: "[3, 3]"));
        using var backend = Backend();
        const string config = """
            <View>
              <Image name="image" value="$image"/>
              <RectangleLabels name="pose_bbox" toName="image"><Label value="Person"/></RectangleLabels>
              <KeyPointLabels name="pose" toName="image" model_path="pose.onnx">
                <Label value="nose"/><Label value="left_eye"/><Label value="right_eye"/>
              </KeyPointLabels>
            </View>
            """;

        var result = Assert.Single(await backend.PredictAsync(TestDetector.Context(config, Scene.DataUri(Scene.Png())), CancellationToken.None)).Result;

        Assert.Equal(3, result.Count);
        var box = result[0];
        Assert.Equal(("pose_bbox", "rectanglelabels", 0.9), (box.FromName, box.Type, box.Score!.Value));
        Assert.Equal((12.5, 37.5, 25.0, 25.0), (box.Value!.X!.Value, box.Value.Y!.Value, box.Value.Width!.Value, box.Value.Height!.Value));
        Assert.NotNull(box.Id);
        var (nose, eye) = (result[1], result[2]);
        Assert.All(new[] { nose, eye }, p => Assert.Equal(("pose", "keypointlabels", box.Id), (p.FromName, p.Type, p.ParentId)));
        Assert.Equal(["nose"], nose.Value!.Labels!);
        Assert.Equal((18.75, 43.75, 0.9), (nose.Value.X!.Value, nose.Value.Y!.Value, Math.Round(nose.Score!.Value, 4)));
        Assert.Equal(["left_eye"], eye.Value!.Labels!);
        Assert.Equal((31.25, 56.25, 0.8), (eye.Value.X!.Value, eye.Value.Y!.Value, Math.Round(eye.Score!.Value, 4)));
    }

    [Fact]
    public async Task Classification_answers_top1_or_every_class_over_the_threshold_for_each_image_of_a_batch()
    {
        // Input pixel (8, 32) of the 64×64 centre crop is original (80, 64): red in the scene, black in the blank image.
        Write("cls.onnx", PlantedTaskModel.Classifier(Scene.InputSize, 8, 32, [0.1f, 0.7f, 0.2f], [0.8f, 0.1f, 0.1f], "{0: 'cat', 1: 'dog', 2: 'bird'}"));
        using var backend = Backend(new() { ["BatchSize"] = "16" });
        const string single = """
            <View><Image name="image" value="$image"/>
              <Choices name="cls" toName="image" model_path="cls.onnx"><Choice value="Cat"/><Choice value="Dog"/></Choices></View>
            """;
        const string multiple = """
            <View><Image name="image" value="$image"/>
              <Choices name="cls" toName="image" model_path="cls.onnx" choice="multiple" model_score_threshold="0.15">
                <Choice value="Cat"/><Choice value="Dog"/><Choice value="Bird"/></Choices></View>
            """;

        var top1 = await backend.PredictAsync(TestDetector.Context(single, Scene.DataUri(Scene.Png()), BlackPng()), CancellationToken.None);
        var multi = await backend.PredictAsync(TestDetector.Context(multiple, Scene.DataUri(Scene.Png())), CancellationToken.None);

        Assert.Equal(["Dog"], Assert.Single(top1[0].Result).Value!.Choices!);
        Assert.Equal(0.7, top1[0].Result[0].Score!.Value, 4);
        Assert.Equal(["Cat"], Assert.Single(top1[1].Result).Value!.Choices!);
        Assert.Equal(0.8, top1[1].Result[0].Score!.Value, 4);
        var both = Assert.Single(Assert.Single(multi).Result);
        Assert.Equal(("cls", "choices"), (both.FromName, both.Type));
        Assert.Equal(["Dog", "Bird"], both.Value!.Choices!);
        Assert.Equal(0.45, both.Score!.Value, 4);
    }

    [Theory]
    [InlineData("PolygonLabels", "output0 [batch, 4+C+32, N] and output1 [batch, 32, H/4, W/4]")]
    [InlineData("KeyPointLabels", "output [batch, 4+C+K*3, N] with kpt_shape metadata [K, 3]")]
    [InlineData("Choices", "output [batch, C] class probabilities")]
    public async Task A_control_whose_model_is_of_another_task_is_unavailable_naming_the_layout_it_needs(string tag, string layout)
    {
        using var backend = Backend(); // detect.onnx: a plain detector
        var config = $"""
            <View><Image name="image" value="$image"/>
              <{tag} name="c" toName="image" model_path="detect.onnx"><{(tag == "Choices" ? "Choice" : "Label")} value="Car"/></{tag}></View>
            """;

        var error = await Assert.ThrowsAsync<DetectorConfigurationException>(async () =>
            await backend.PredictAsync(TestDetector.Context(config, Scene.DataUri(Scene.Png())), CancellationToken.None));

        Assert.Equal(503, Assert.IsAssignableFrom<BackendException>(error).StatusCode); // the host answers 503
        Assert.Contains($"<{tag} name=\"c\"> needs", error.Message);
        Assert.Contains(layout, error.Message);
        Assert.Contains("'detect.onnx' is a 'detect' model with output0 [?, 7, 6]", error.Message);
    }

    [Fact]
    public void A_segmentation_model_without_prototypes_is_unhealthy_naming_the_layout()
    {
        Write("broken-seg.onnx", PlantedTaskModel.Boxes("segment", Scene.InputSize, 2, SegBoxes, [], SegNames));
        using var backend = Backend(new() { ["ModelPath"] = "broken-seg.onnx" });

        Assert.Contains("expected a YOLO segmentation model (yolo11n-seg): output0 [batch, 4+C+32, N] and output1", backend.HealthError);
    }
}
