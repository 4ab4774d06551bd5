using System.Text.Json;
using PluginHost.Ocr.Tests.Support;
using PluginHost.Plugins.Ocr;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Ocr.Tests;

/// <summary>Batch pre-annotation: whole pages OCRed into one box and transcription per line (or word).</summary>
public sealed class BatchOcrTests : IDisposable
{
    private static readonly string[] Lines = ["Shipping address", "42 Harbour Road", "Port Elizabeth 6001"];

    private readonly TempDir _temp = new();
    private readonly TaskData _data;

    public BatchOcrTests() => _data = new TaskData(_temp.File("cache"), localFilesRoot: _temp.Path);

    public void Dispose()
    {
        _data.Dispose();
        _temp.Dispose();
    }

    private static double Overlap(Region region, DrawnLine line, int width, int height)
    {
        var v = region.Value!;
        var (x0, y0, x1, y1) = (v.X!.Value * width / 100, v.Y!.Value * height / 100, (v.X + v.Width)!.Value * width / 100, (v.Y + v.Height)!.Value * height / 100);
        var b = line.Box;
        var w = Math.Min(x1, b.Right) - Math.Max(x0, b.Left);
        var h = Math.Min(y1, b.Bottom) - Math.Max(y0, b.Top);
        if (w <= 0 || h <= 0) return 0;
        return w * h / ((x1 - x0) * (y1 - y0) + b.Width * b.Height - w * h);
    }

    [Fact]
    public async Task Page_lines_become_labelled_boxes_with_their_transcription()
    {
        using var page = TextPage.Render(800, 400, Lines, fontSize: 34, top: 60);
        File.WriteAllBytes(_temp.File("address.png"), page.Png());
        using var backend = OcrKit.Create(_data.Resolver);

        var predictions = await backend.PredictAsync(OcrKit.Batch(OcrKit.Config, "/data/local-files/?d=address.png"), CancellationToken.None);

        var result = Assert.Single(predictions).Result;
        Assert.Equal(6, result.Count);
        for (var i = 0; i < Lines.Length; i++)
        {
            var (box, text) = (result[2 * i], result[2 * i + 1]);
            Assert.Equal(("rectanglelabels", "bbox"), (box.Type, box.FromName));
            Assert.Equal(["Text"], box.Value!.Labels!); // the config's label named like "Text", not its first
            Assert.Equal(("textarea", "transcription", box.Id), (text.Type, text.FromName, text.Id));
            Assert.Equal([Lines[i]], text.Value!.TextLines!);
            Assert.InRange(Overlap(box, page.Lines[i], page.Width, page.Height), 0.6, 1.0);
            Assert.Equal(box.Score, text.Score);
        }
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(predictions[0], PluginHost.Sdk.Json.SdkJson.Options));
        Assert.Empty(PredictionValidator.Validate(json.RootElement, LabelConfig.Parse(OcrKit.Config)));
    }

    [Fact]
    public async Task Words_mode_gives_one_box_per_word_and_a_plain_rectangle_control_gets_no_labels()
    {
        const string config = """
            <View><Image name="image" value="$ocr"/><Labels name="label" toName="image"><Label value="Text"/></Labels>
              <Rectangle name="box" toName="image"/><TextArea name="text" toName="image" perRegion="true"/></View>
            """;
        using var page = TextPage.Render(600, 160, ["Harbour Road 42"], fontSize: 36);
        using var backend = OcrKit.Create(_data.Resolver, new OcrSettings { BatchMode = OcrBatchMode.Words });

        var result = Assert.Single(await backend.PredictAsync(OcrKit.Batch(config, TextPage.DataUri(page.Png())), CancellationToken.None)).Result;

        Assert.Equal(["Harbour", "Road", "42"], result.Where(r => r.Type == "textarea").Select(r => r.Value!.TextLines![0]));
        Assert.All(result.Where(r => r.Type != "textarea"), r => Assert.Equal(("rectangle", "box", (IReadOnlyList<string>?)null), (r.Type, r.FromName, r.Value!.Labels)));
        // Words run left to right.
        var xs = result.Where(r => r.Type == "rectangle").Select(r => r.Value!.X!.Value).ToList();
        Assert.Equal(xs.Order(), xs);
    }

    [Fact]
    public async Task Each_task_of_a_batch_gets_its_own_page_in_order()
    {
        using var first = TextPage.Render(500, 120, ["First page 1"], fontSize: 32);
        using var second = TextPage.Render(500, 120, ["Second page 2"], fontSize: 32);
        using var blank = TextPage.Render(500, 120, [], fontSize: 32);
        using var backend = OcrKit.Create(_data.Resolver);

        var predictions = await backend.PredictAsync(
            OcrKit.Batch(OcrKit.Config, TextPage.DataUri(first.Png()), TextPage.DataUri(blank.Png()), TextPage.DataUri(second.Png())), CancellationToken.None);

        Assert.Equal(3, predictions.Count);
        Assert.Equal("First page 1", predictions[0].Result[1].Value!.TextLines![0]);
        Assert.Empty(predictions[1].Result);
        Assert.Equal(0, predictions[1].Score);
        Assert.Equal("Second page 2", predictions[2].Result[1].Value!.TextLines![0]);
    }

    [Fact]
    public async Task Batch_mode_off_answers_empty_predictions()
    {
        using var page = TextPage.Render(500, 120, ["Some text"], fontSize: 32);
        using var backend = OcrKit.Create(_data.Resolver, new OcrSettings { BatchMode = OcrBatchMode.Off });

        var predictions = await backend.PredictAsync(OcrKit.Batch(OcrKit.Config, TextPage.DataUri(page.Png()), TextPage.DataUri(page.Png())), CancellationToken.None);

        Assert.Equal(2, predictions.Count);
        Assert.All(predictions, p => Assert.Empty(p.Result));
    }

    [Fact]
    public async Task Configured_batch_label_is_used_and_an_unknown_one_is_a_clear_error()
    {
        using var page = TextPage.Render(500, 120, ["Dear Sir"], fontSize: 32);
        using var handwriting = OcrKit.Create(_data.Resolver, new OcrSettings { BatchLabel = "Handwriting" });
        using var unknown = OcrKit.Create(_data.Resolver, new OcrSettings { BatchLabel = "Printed" });

        var result = Assert.Single(await handwriting.PredictAsync(OcrKit.Batch(OcrKit.Config, TextPage.DataUri(page.Png())), CancellationToken.None)).Result;
        var error = await Assert.ThrowsAsync<LabelConfigException>(async () =>
            await unknown.PredictAsync(OcrKit.Batch(OcrKit.Config, TextPage.DataUri(page.Png())), CancellationToken.None));

        Assert.Equal(["Handwriting"], result[0].Value!.Labels!);
        Assert.Contains("'Printed'", error.Message);
    }

    [Fact]
    public async Task Config_without_boxes_for_the_image_is_a_clear_error()
    {
        const string config = """<View><Image name="image" value="$ocr"/><TextArea name="text" toName="image"/></View>""";
        using var backend = OcrKit.Create(_data.Resolver);

        var error = await Assert.ThrowsAsync<LabelConfigException>(async () =>
            await backend.PredictAsync(OcrKit.Batch(config, "data:image/png;base64,AA=="), CancellationToken.None));

        Assert.Contains("<Rectangle>", error.Message);
    }

    [Fact]
    public void Tesseract_text_is_cleaned_of_blank_lines_and_trailing_space()
    {
        Assert.Equal("one\ntwo", OcrBackend.CleanText("one  \n\n  \ntwo\n\f"));
        Assert.Equal("", OcrBackend.CleanText(" \n\n"));
    }
}
