using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Ocr.Tests.Support;
using PluginHost.PaddleOcr.Tests.Support;
using PluginHost.Plugins.Ocr;
using PluginHost.Plugins.PaddleOcr;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;
using SkiaSharp;

namespace PluginHost.OcrBench;

/// <summary>
/// PP-OCR (<c>ppocr</c>) against Tesseract (<c>ocr</c>) on the same rendered pages, clean and damaged as photographs
/// are (rotation, noise, blur, coloured paper and ink): character error rate of the whole page's text in reading order
/// (with spaces, and characters alone) and wall time per page, both backends end to end in batch mode.
/// </summary>
public static class OcrComparison
{
    private static readonly string[] Words = ["invoice", "total", "amount", "shipping", "address", "harbour", "road", "payment", "due",
        "march", "order", "number", "customer", "quantity", "price", "tax", "discount", "delivery", "receipt", "account", "balance",
        "date", "item", "service", "Leeds", "Bristol", "EUR", "GBP", "No.", "Ref:"];

    private sealed record Condition(string Name, float Rotation, int Noise, float Blur, SKColor Ink, SKColor Paper);

    public static async Task RunAsync(string work, string modelDirectory, bool quick, bool verbose = false)
    {
        Condition[] conditions =
        [
            new("clean", 0, 0, 0, SKColors.Black, SKColors.White),
            new("rotated 4°", 4, 0, 0, SKColors.Black, SKColors.White),
            new("noise ±40", 0, 40, 0, SKColors.Black, SKColors.White),
            new("blur σ 1.2", 0, 0, 1.2f, SKColors.Black, SKColors.White),
            new("coloured (blue on yellow)", 0, 0, 0, new SKColor(30, 40, 120), new SKColor(245, 225, 150)),
            new("photo-like (3° + noise ±25 + blur 0.8 + colour)", 3, 25, 0.8f, new SKColor(60, 40, 30), new SKColor(225, 215, 200)),
        ];
        var pagesPerCondition = quick ? 2 : 5;
        using var services = new ServiceCollection().AddLogging().AddTaskDataAccess(o =>
        {
            o.LabelStudioUrl = null;
            o.ApiKey = null;
            o.LocalFilesDocumentRoot = work;
            o.CacheDirectory = Path.Combine(work, "cache");
        }).BuildServiceProvider();
        var resolver = services.GetRequiredService<ITaskDataResolver>();
        var environment = new BackendEnvironment { Name = "bench", Settings = new ConfigurationBuilder().Build(), ModelDirectory = work, SourceDirectory = work };
        using var tesseract = new OcrBackend(Options.Create(new OcrSettings { MaxConcurrency = 1, DecodedImageCacheMegapixels = 0 }), resolver, NullLogger<OcrBackend>.Instance, environment);
        using var ppocr = new PaddleOcrBackend(Options.Create(new PpOcrSettings { ModelDirectory = modelDirectory, MaxConcurrency = 1 }), resolver, NullLogger<PaddleOcrBackend>.Instance, environment);
        if ((tesseract.HealthError ?? ppocr.HealthError) is { } error) throw new InvalidOperationException(error);
        var config = LabelConfig.Parse("""
            <View><Image name="image" value="$ocr"/>
              <RectangleLabels name="bbox" toName="image"><Label value="Text"/></RectangleLabels>
              <TextArea name="transcription" toName="image" perRegion="true"/></View>
            """);

        Console.WriteLine($"PP-OCRv4 ({ppocr.Version}) vs Tesseract ({tesseract.Version}); {pagesPerCondition} pages per condition, 1000×700, 12 lines of 22–28 px text; " +
            $"{Environment.ProcessorCount} cores; sequential, one page per request");
        Console.WriteLine("| condition | Tesseract CER | Tesseract CER (no spaces) | Tesseract s/page | PP-OCR CER | PP-OCR CER (no spaces) | PP-OCR s/page |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var random = new Random(11);
        await Predict(ppocr, "warm-up.png", Render(new Condition("warm", 0, 0, 0, SKColors.Black, SKColors.White), random, work, "warm-up.png").Truth);
        foreach (var condition in conditions)
        {
            var scores = new Dictionary<string, (double Cer, double CerNoSpaces, double Seconds)>();
            var pages = Enumerable.Range(0, pagesPerCondition).Select(i => Render(condition, random, work, $"{condition.Name.GetHashCode():x}-{i}.png")).ToList();
            foreach (var (name, backend) in new (string, ILabelStudioBackend)[] { ("tesseract", tesseract), ("ppocr", ppocr) })
            {
                double cer = 0, cerNoSpaces = 0, seconds = 0;
                foreach (var (file, truth) in pages)
                {
                    var watch = Stopwatch.StartNew();
                    var read = await Predict(backend, file, truth);
                    seconds += watch.Elapsed.TotalSeconds;
                    cer += CharacterErrorRate.Of(truth, read);
                    if (verbose) Console.WriteLine($"{name} {condition.Name}\n  truth: {truth}\n  read:  {read}");
                    cerNoSpaces += CharacterErrorRate.Of(truth, read, ignoringSpaces: true);
                }
                scores[name] = (cer / pages.Count, cerNoSpaces / pages.Count, seconds / pages.Count);
            }
            var (t, p) = (scores["tesseract"], scores["ppocr"]);
            Console.WriteLine($"| {condition.Name} | {t.Cer:0.000} | {t.CerNoSpaces:0.000} | {t.Seconds:0.00} | {p.Cer:0.000} | {p.CerNoSpaces:0.000} | {p.Seconds:0.00} |");
        }

        async Task<string> Predict(ILabelStudioBackend backend, string file, string truth)
        {
            var context = new PredictContext
            {
                BackendName = "bench", Project = ProjectRef.Default, LabelConfig = config, ExtraParams = ExtraParams.Empty, Logger = NullLogger.Instance,
                State = null!, ModelVersion = "bench",
                Tasks = [new LabelStudioTask { Id = 1, Data = new() { ["ocr"] = JsonSerializer.SerializeToElement("/data/local-files/?d=" + file) } }],
            };
            var prediction = (await backend.PredictAsync(context, CancellationToken.None))[0];
            return ReadingOrder(prediction);
        }
    }

    /// <summary>The transcriptions in reading order: boxes whose vertical centres lie within half a box height of a
    /// line's are that line (an engine may split a line into several boxes), lines top to bottom, boxes left to right.</summary>
    private static string ReadingOrder(Prediction prediction)
    {
        var boxes = prediction.Result.Where(r => r.Type == "textarea")
            .Select(r => (Cy: (r.Value!.Y ?? 0) + (r.Value.Height ?? 0) / 2, H: r.Value.Height ?? 0, X: r.Value.X ?? 0, Text: string.Join(" ", r.Value.TextLines!)))
            .OrderBy(b => b.Cy).ToList();
        var lines = new List<List<(double Cy, double H, double X, string Text)>>();
        foreach (var box in boxes)
        {
            if (lines.Count > 0 && Math.Abs(lines[^1][0].Cy - box.Cy) < Math.Max(lines[^1][0].H, box.H) / 2) lines[^1].Add(box);
            else lines.Add([box]);
        }
        return string.Join(" ", lines.Select(line => string.Join(" ", line.OrderBy(b => b.X).Select(b => b.Text))));
    }

    private static (string File, string Truth) Render(Condition condition, Random random, string work, string file)
    {
        var lines = Enumerable.Range(0, 12).Select(_ =>
            string.Join(' ', Enumerable.Range(0, random.Next(3, 7)).Select(_ => Words[random.Next(Words.Length)])) + " " + random.Next(10, 99999)).ToList();
        using var page = TextPage.Render(1000, 700, lines, fontSize: random.Next(22, 29), left: 50, top: 40, lineGap: 1.7f,
            ink: condition.Ink, paper: condition.Paper, rotation: condition.Rotation);
        SKBitmap bitmap = page.Bitmap.Copy();
        if (condition.Blur > 0) Replace(ref bitmap, Degradations.Blur(bitmap, condition.Blur));
        if (condition.Noise > 0) Replace(ref bitmap, Degradations.Noise(bitmap, condition.Noise, random.Next()));
        File.WriteAllBytes(Path.Combine(work, file), Degradations.Png(bitmap));
        bitmap.Dispose();
        return (file, string.Join(" ", lines));
    }

    private static void Replace(ref SKBitmap bitmap, SKBitmap next)
    {
        bitmap.Dispose();
        bitmap = next;
    }
}
