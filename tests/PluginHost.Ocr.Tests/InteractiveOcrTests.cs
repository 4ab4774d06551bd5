using System.Text.Json;
using PluginHost.Ocr.Tests.Support;
using PluginHost.Plugins.Ocr;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using SkiaSharp;

namespace PluginHost.Ocr.Tests;

/// <summary>The annotator draws a box; the backend reads exactly the text inside it (docs/protocol.md §4, tesseract).</summary>
public sealed class InteractiveOcrTests : IClassFixture<InteractiveOcrTests.Shared>, IDisposable
{
    public static readonly string[] Lines = ["INVOICE NUMBER 4821", "Quick brown foxes jump", "Payment due in March"];

    private readonly Shared _shared;
    private readonly TempDir _temp = new();
    private readonly TaskData _data;

    public InteractiveOcrTests(Shared shared)
    {
        _shared = shared;
        _data = new TaskData(_temp.File("cache"));
    }

    /// <summary>One backend (two engines) and one page for the whole class: engines are what the backend reuses.</summary>
    public sealed class Shared : IDisposable
    {
        private readonly TempDir _temp = new();
        private readonly TaskData _data;

        public Shared()
        {
            _data = new TaskData(_temp.File("cache"));
            Backend = OcrKit.Create(_data.Resolver, new OcrSettings { MaxConcurrency = 2 });
            Page = TextPage.Render(900, 320, Lines, fontSize: 36, top: 50);
            Image = TextPage.DataUri(Page.Png());
        }

        public OcrBackend Backend { get; }

        public TextPage Page { get; }

        public string Image { get; }

        public void Dispose()
        {
            Backend.Dispose();
            Page.Dispose();
            _data.Dispose();
            _temp.Dispose();
        }
    }

    public void Dispose()
    {
        _data.Dispose();
        _temp.Dispose();
    }

    private OcrBackend Backend => _shared.Backend;

    private TextPage Page => _shared.Page;

    private static Region TextAreaOf(Prediction prediction, string id) =>
        Assert.Single(prediction.Result, r => r.Type == "textarea" && r.Id == id);

    private static string TextOf(Prediction prediction, string id) => Assert.Single(TextAreaOf(prediction, id).Value!.TextLines!);

    [Fact]
    public async Task Box_around_the_middle_line_reads_that_line_and_nothing_else()
    {
        Assert.Null(Backend.HealthError);
        var box = Page.Lines[1].Percent(Page.Width, Page.Height);

        var predictions = await Backend.PredictAsync(OcrKit.Interactive(_shared.Image, OcrKit.Box("r1", box, Page.Width, Page.Height)), CancellationToken.None);

        var prediction = Assert.Single(predictions);
        Assert.Equal(2, prediction.Result.Count);
        Assert.Equal(Lines[1], TextOf(prediction, "r1"));
        foreach (var other in new[] { "INVOICE", "4821", "Payment", "March" })
            Assert.DoesNotContain(other, TextOf(prediction, "r1"), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Answer_is_the_drawn_box_and_a_per_region_textarea_with_its_id_and_geometry()
    {
        var box = Page.Lines[0].Percent(Page.Width, Page.Height);

        var prediction = Assert.Single(await Backend.PredictAsync(OcrKit.Interactive(_shared.Image, OcrKit.Box("kx9Qw2", box, Page.Width, Page.Height)), CancellationToken.None));

        var rectangle = prediction.Result[0];
        Assert.Equal(("kx9Qw2", "bbox", "image", "rectanglelabels", "manual"), (rectangle.Id, rectangle.FromName, rectangle.ToName, rectangle.Type, rectangle.Origin));
        Assert.Equal(["Text"], rectangle.Value!.Labels!);
        Assert.Equal([box.X, box.Y, box.Width, box.Height, 0], new[] { rectangle.Value.X, rectangle.Value.Y, rectangle.Value.Width, rectangle.Value.Height, rectangle.Value.Rotation });
        var text = prediction.Result[1];
        Assert.Equal(("kx9Qw2", "transcription", "image", "textarea", "manual"), (text.Id, text.FromName, text.ToName, text.Type, text.Origin));
        Assert.Equal([box.X, box.Y, box.Width, box.Height, 0], new[] { text.Value!.X, text.Value.Y, text.Value.Width, text.Value.Height, text.Value.Rotation });
        Assert.Equal((Page.Width, Page.Height, 0.0), (text.OriginalWidth!.Value, text.OriginalHeight!.Value, text.ImageRotation!.Value));
        Assert.Equal([Lines[0]], text.Value.TextLines!);
        // Clean rendered text: Tesseract is sure of it; the prediction's score is the mean of its regions'.
        Assert.InRange(text.Score!.Value, 0.8, 1.0);
        Assert.Equal(text.Score, prediction.Score);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(prediction, PluginHost.Sdk.Json.SdkJson.Options));
        Assert.Empty(PredictionValidator.Validate(json.RootElement, LabelConfig.Parse(OcrKit.Config)));
        Assert.Equal("Text", json.RootElement.GetProperty("result")[0].GetProperty("value").GetProperty("rectanglelabels")[0].GetString());
    }

    [Fact]
    public async Task Every_box_of_the_context_gets_its_own_text()
    {
        var boxes = Enumerable.Range(0, Lines.Length)
            .Select(i => OcrKit.Box($"b{i}", Page.Lines[i].Percent(Page.Width, Page.Height), Page.Width, Page.Height))
            .Reverse().ToArray();

        var prediction = Assert.Single(await Backend.PredictAsync(OcrKit.Interactive(_shared.Image, boxes), CancellationToken.None));

        Assert.Equal(6, prediction.Result.Count);
        Assert.Equal(["b2", "b2", "b1", "b1", "b0", "b0"], prediction.Result.Select(r => r.Id!));
        for (var i = 0; i < Lines.Length; i++) Assert.Equal(Lines[i], TextOf(prediction, $"b{i}"));
    }

    [Theory]
    [InlineData(36)]
    [InlineData(14)]
    public async Task Boxes_hugging_the_ink_are_read_thanks_to_the_margin_added_around_the_crop(float fontSize)
    {
        // Without CropPadding, Tesseract misread 2 of these 3 lines at 36 px and 4 of 4 lines at 14 px.
        using var page = TextPage.Render(900, 300, Lines, fontSize: fontSize, top: 40);
        var image = TextPage.DataUri(page.Png());
        var boxes = Enumerable.Range(0, Lines.Length).Select(i => OcrKit.Box($"t{i}", page.Lines[i].Percent(page.Width, page.Height, margin: 0), page.Width, page.Height)).ToArray();

        var prediction = Assert.Single(await Backend.PredictAsync(OcrKit.Interactive(image, boxes), CancellationToken.None));

        for (var i = 0; i < Lines.Length; i++) Assert.Equal(Lines[i], TextOf(prediction, $"t{i}"));
    }

    [Fact]
    public async Task Plain_rectangle_regions_are_read_too_and_echoed_without_labels()
    {
        var box = Page.Lines[2].Percent(Page.Width, Page.Height);

        var prediction = Assert.Single(await Backend.PredictAsync(
            OcrKit.Interactive(_shared.Image, OcrKit.Box("p1", box, Page.Width, Page.Height, type: "rectangle")), CancellationToken.None));

        Assert.Equal("rectangle", prediction.Result[0].Type);
        Assert.Null(prediction.Result[0].Value!.Labels);
        Assert.Equal(Lines[2], TextOf(prediction, "p1"));
    }

    [Fact]
    public async Task Box_reaching_past_the_image_edges_is_clipped_and_still_read()
    {
        // From 3% left of the image to past its right edge, around the last line.
        var line = Page.Lines[2].Percent(Page.Width, Page.Height);
        var box = (X: -3.0, line.Y, Width: 110.0, line.Height);

        var prediction = Assert.Single(await Backend.PredictAsync(OcrKit.Interactive(_shared.Image, OcrKit.Box("edge", box, Page.Width, Page.Height)), CancellationToken.None));

        Assert.Equal(Lines[2], TextOf(prediction, "edge"));
        Assert.Equal(-3.0, prediction.Result[0].Value!.X); // the drawn box comes back as drawn
    }

    [Fact]
    public async Task Box_outside_the_image_or_on_blank_paper_gets_no_transcription()
    {
        var outside = OcrKit.Box("out", (120, 10, 20, 10), Page.Width, Page.Height);
        var blank = OcrKit.Box("blank", (60, 85, 30, 10), Page.Width, Page.Height); // below the text

        var prediction = Assert.Single(await Backend.PredictAsync(OcrKit.Interactive(_shared.Image, outside, blank), CancellationToken.None));

        Assert.Equal(["out", "blank"], prediction.Result.Select(r => r.Id!));
        Assert.All(prediction.Result, r => Assert.Equal("rectanglelabels", r.Type));
        Assert.Equal(0, prediction.Score);
    }

    [Fact]
    public async Task Context_without_boxes_answers_no_prediction()
    {
        var keypoint = JsonSerializer.Deserialize<Sdk.Protocol.AnnotationRegion>("""
            {"id":"k","from_name":"kp","to_name":"image","type":"keypointlabels","value":{"x":1,"y":2,"keypointlabels":["A"]}}
            """, PluginHost.Sdk.Json.SdkJson.Options)!;

        Assert.Empty(await Backend.PredictAsync(OcrKit.Interactive(_shared.Image), CancellationToken.None));
        Assert.Empty(await Backend.PredictAsync(OcrKit.Interactive(_shared.Image, keypoint), CancellationToken.None));
    }

    [Fact]
    public async Task Box_rotated_with_the_text_reads_the_text_upright()
    {
        // Text turned 12° clockwise about the first line's top-left corner; Label Studio rotates boxes about theirs.
        using var page = TextPage.Render(900, 420, ["Rotated receipt total 93"], fontSize: 34, left: 60, top: 60, rotation: 12);
        var line = page.Lines[0].Box;
        const float margin = 8;
        var (sin, cos) = Math.SinCos(12 * Math.PI / 180);
        // The box's corner: the line's top-left (in the unrotated frame) minus the margin, turned about (60, 60).
        double ux = line.Left - margin - 60, uy = line.Top - margin - 60;
        var cornerX = 60 + ux * cos - uy * sin;
        var cornerY = 60 + ux * sin + uy * cos;
        var box = (cornerX * 100 / page.Width, cornerY * 100 / page.Height, (line.Width + 2 * margin) * 100 / page.Width, (line.Height + 2 * margin) * 100 / page.Height);

        var rotated = Assert.Single(await Backend.PredictAsync(
            OcrKit.Interactive(TextPage.DataUri(page.Png()), OcrKit.Box("rot", box, page.Width, page.Height, rotation: 12)), CancellationToken.None));

        Assert.Equal("Rotated receipt total 93", TextOf(rotated, "rot"));
        Assert.Equal(12, rotated.Result[1].Value!.Rotation);
    }

    [Fact]
    public async Task Exif_rotated_photo_is_read_upright_with_boxes_in_upright_percentages()
    {
        var box = Page.Lines[1].Percent(Page.Width, Page.Height);
        var sideways = TextPage.DataUri(Page.JpegStoredSidewaysWithExif(), "image/jpeg");

        var prediction = Assert.Single(await Backend.PredictAsync(OcrKit.Interactive(sideways, OcrKit.Box("ex", box, Page.Width, Page.Height)), CancellationToken.None));

        Assert.Equal(Lines[1], TextOf(prediction, "ex"));
    }

    [Fact]
    public async Task White_text_on_black_is_read()
    {
        using var page = TextPage.Render(700, 160, ["Night mode label 77"], fontSize: 36, ink: SKColors.White, paper: new SKColor(20, 20, 24));
        var box = page.Lines[0].Percent(page.Width, page.Height);

        var prediction = Assert.Single(await Backend.PredictAsync(
            OcrKit.Interactive(TextPage.DataUri(page.Png()), OcrKit.Box("dark", box, page.Width, page.Height)), CancellationToken.None));

        Assert.Equal("Night mode label 77", TextOf(prediction, "dark"));
    }

    [Fact]
    public async Task Text_on_a_transparent_png_is_read()
    {
        using var page = TextPage.Render(700, 160, ["Transparent sticker 12"], fontSize: 36, paper: SKColors.Transparent);
        var box = page.Lines[0].Percent(page.Width, page.Height);

        var prediction = Assert.Single(await Backend.PredictAsync(
            OcrKit.Interactive(TextPage.DataUri(page.Png()), OcrKit.Box("alpha", box, page.Width, page.Height)), CancellationToken.None));

        Assert.Equal("Transparent sticker 12", TextOf(prediction, "alpha"));
    }

    [Fact]
    public async Task Parallel_requests_on_the_pooled_engines_each_get_their_own_line()
    {
        var requests = Enumerable.Range(0, 24).Select(i => (Line: i % Lines.Length, Id: $"c{i}")).ToList();

        var answers = await Task.WhenAll(requests.Select(r => Task.Run(async () =>
            await Backend.PredictAsync(OcrKit.Interactive(_shared.Image, OcrKit.Box(r.Id, Page.Lines[r.Line].Percent(Page.Width, Page.Height), Page.Width, Page.Height)),
                CancellationToken.None))));

        for (var i = 0; i < requests.Count; i++) Assert.Equal(Lines[requests[i].Line], TextOf(Assert.Single(answers[i]), requests[i].Id));
        Assert.InRange(Backend.EnginesCreated, 1, 2); // never more engines than MaxConcurrency
    }

    [Fact]
    public async Task Cancelled_request_stops_with_operation_cancelled()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var box = Page.Lines[0].Percent(Page.Width, Page.Height);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await Backend.PredictAsync(OcrKit.Interactive(_shared.Image, OcrKit.Box("x", box, Page.Width, Page.Height)), cancelled.Token));
        // The engine went back to the pool: the next request still works.
        Assert.Equal(Lines[0], TextOf(Assert.Single(await Backend.PredictAsync(OcrKit.Interactive(_shared.Image, OcrKit.Box("y", box, Page.Width, Page.Height)), CancellationToken.None)), "y"));
    }

    [Fact]
    public async Task Config_without_a_textarea_for_the_image_is_a_clear_error()
    {
        const string config = """
            <View><Image name="image" value="$ocr"/><RectangleLabels name="bbox" toName="image"><Label value="Text"/></RectangleLabels></View>
            """;
        var box = OcrKit.Box("n", Page.Lines[0].Percent(Page.Width, Page.Height), Page.Width, Page.Height);

        var error = await Assert.ThrowsAsync<LabelConfigException>(async () =>
            await Backend.PredictAsync(OcrKit.Context(config, [_shared.Image], new Sdk.Protocol.InteractiveContext { Result = [box] }), CancellationToken.None));

        Assert.Contains("TextArea", error.Message);
        Assert.Contains("'image'", error.Message);
    }

    [Fact]
    public async Task Unreadable_image_is_a_clear_error_naming_the_task()
    {
        var box = OcrKit.Box("n", (10, 10, 20, 20), 100, 100);

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await Backend.PredictAsync(OcrKit.Interactive(TextPage.DataUri("not an image"u8.ToArray()), box), CancellationToken.None));

        Assert.Contains("Task 500", error.Message);
        Assert.Contains("cannot decode", error.Message);
    }

    [Fact]
    public async Task Box_without_geometry_is_a_clear_error()
    {
        var box = JsonSerializer.Deserialize<Sdk.Protocol.AnnotationRegion>("""
            {"id":"g","from_name":"bbox","to_name":"image","type":"rectanglelabels","value":{"x":1,"y":2,"rectanglelabels":["Text"]}}
            """, PluginHost.Sdk.Json.SdkJson.Options)!;

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
            await Backend.PredictAsync(OcrKit.Interactive(_shared.Image, box), CancellationToken.None));

        Assert.Contains("value.width", error.Message);
    }
}
