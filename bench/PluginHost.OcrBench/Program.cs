using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Ocr.Tests.Support;
using PluginHost.Plugins.Ocr;
using PluginHost.Imaging;
using PluginHost.Plugins.Ocr.Tesseract;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

// Usage: dotnet run -c Release --project bench/PluginHost.OcrBench [-- --quick] [--openmp-limit N] [--compare]
// Measures the ocr backend end to end (local file → decode → crop → Tesseract → regions) on a rendered 1000×1400
// page of 40 lines: one drawn line box (interactive), the whole page (batch), and the stages alone.
var quick = args.Contains("--quick");
if (args.Contains("--compare"))
{
    // PP-OCR against Tesseract on rendered and damaged pages: dotnet run -c Release --project bench/PluginHost.OcrBench -- --compare
    var compareWork = Directory.CreateTempSubdirectory("ocr-compare-").FullName;
    try
    {
        var models = typeof(Program).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "PpOcrModels").Value!;
        await PluginHost.OcrBench.OcrComparison.RunAsync(compareWork, models, quick, args.Contains("--verbose"));
    }
    finally
    {
        Directory.Delete(compareWork, recursive: true);
    }
    return;
}
var ompIndex = Array.IndexOf(args, "--openmp-limit");
var ompLimit = ompIndex >= 0 ? int.Parse(args[ompIndex + 1]) : 1;
var work = Directory.CreateTempSubdirectory("ocr-bench-").FullName;
try
{
    string[] words = ["invoice", "total", "amount", "shipping", "address", "harbour", "road", "payment", "due", "march", "order", "number",
        "customer", "quantity", "price", "tax", "discount", "delivery", "receipt", "account", "balance", "date", "item", "service"];
    var random = new Random(7);
    var lines = Enumerable.Range(0, 40).Select(i =>
        string.Join(' ', Enumerable.Range(0, random.Next(4, 8)).Select(_ => words[random.Next(words.Length)])) + " " + random.Next(10, 9999)).ToList();
    using var page = TextPage.Render(1000, 1400, lines, fontSize: 20, left: 50, top: 40, lineGap: 1.65f);
    File.WriteAllBytes(Path.Combine(work, "page.png"), page.Png());
    const string pageUrl = "/data/local-files/?d=page.png";

    using var services = new ServiceCollection().AddLogging().AddTaskDataAccess(o =>
    {
        o.LabelStudioUrl = null;
        o.ApiKey = null;
        o.LocalFilesDocumentRoot = work;
        o.CacheDirectory = Path.Combine(work, "cache");
    }).BuildServiceProvider();
    var resolver = services.GetRequiredService<ITaskDataResolver>();
    var config = LabelConfig.Parse("""
        <View><Image name="image" value="$ocr"/>
          <RectangleLabels name="bbox" toName="image"><Label value="Text"/></RectangleLabels>
          <TextArea name="transcription" toName="image" perRegion="true"/></View>
        """);

    OcrBackend Backend(int concurrency, int cacheMegapixels = 64) => new(Options.Create(new OcrSettings
        {
            MaxConcurrency = concurrency, OpenMpThreadLimit = ompLimit, DecodedImageCacheMegapixels = cacheMegapixels,
        }),
        resolver, NullLogger<OcrBackend>.Instance, new BackendEnvironment
        {
            Name = "ocr", Settings = new ConfigurationBuilder().Build(), ModelDirectory = work, SourceDirectory = work,
        });

    PredictContext Context(InteractiveContext? interactive, string url = pageUrl) => new()
    {
        BackendName = "ocr", Project = ProjectRef.Default, LabelConfig = config, ExtraParams = ExtraParams.Empty, Logger = NullLogger.Instance,
        State = null!, ModelVersion = "bench", Interactive = interactive,
        Tasks = [new LabelStudioTask { Id = 1, Data = new() { ["ocr"] = JsonSerializer.SerializeToElement(url) } }],
    };

    AnnotationRegion Box(int line, TextPage? on = null)
    {
        var p = on ?? page;
        var (x, y, w, h) = p.Lines[line].Percent(p.Width, p.Height, margin: 4);
        return JsonSerializer.Deserialize<AnnotationRegion>($$"""
            {"id":"b{{line}}","from_name":"bbox","to_name":"image","type":"rectanglelabels","original_width":{{p.Width}},"original_height":{{p.Height}},
             "value":{"x":{{x}},"y":{{y}},"width":{{w}},"height":{{h}},"rotation":0,"rectanglelabels":["Text"]} }
            """, PluginHost.Sdk.Json.SdkJson.Options)!;
    }

    PredictContext LineRequest(int line) => Context(new InteractiveContext { Result = [Box(line)] });

    using var backend = Backend(2);
    if (backend.HealthError is { } error) throw new InvalidOperationException(error);
    Console.WriteLine($"Tesseract {TesseractLibrary.Version}, eng; OpenMP limit {(ompLimit == 0 ? "untouched" : ompLimit.ToString())}; " +
        $"{Environment.ProcessorCount} cores, .NET {Environment.Version}; page 1000×1400 PNG, 40 lines of 20 px text");

    // Engine start-up (what pooling saves on every request).
    var tessdata = TessdataLocation.Find(null);
    var init = Samples(quick ? 3 : 8, _ => TesseractEngine.Create(tessdata, "eng", new Dictionary<string, string>()).Dispose());
    Console.WriteLine($"Engine create+init (eng): p50 {P(init, 0.5):0} ms, p95 {P(init, 0.95):0} ms");

    // Interactive: one line box per request, sequential.
    for (var i = 0; i < 3; i++) await backend.PredictAsync(LineRequest(i), CancellationToken.None);
    var correct = 0;
    var n = quick ? 20 : 60;
    var lineLatency = await SamplesAsync(n, async i =>
    {
        var p = await backend.PredictAsync(LineRequest(i % lines.Count), CancellationToken.None);
        if (p[0].Result.Count == 2 && p[0].Result[1].Value!.TextLines![0] == lines[i % lines.Count]) Interlocked.Increment(ref correct);
    });
    Console.WriteLine($"Interactive line box, end to end: p50 {P(lineLatency, 0.5):0.0} ms, p95 {P(lineLatency, 0.95):0.0} ms; {correct}/{n} lines exact");

    // The stages alone: decode of the page, and Tesseract on one line crop.
    var pagePath = Path.Combine(work, "page.png");
    var decode = Samples(quick ? 5 : 15, _ => DecodedImage.Load(pagePath, ImagePixels.Gray8, 100_000_000).Dispose());
    using (var image = DecodedImage.Load(pagePath, ImagePixels.Gray8, 100_000_000))
    using (var engine = TesseractEngine.Create(tessdata, "eng", new Dictionary<string, string>()))
    using (var crop = image.Cut(RegionBox.FromPercent(Box(5).GetNumber("x")!.Value, Box(5).GetNumber("y")!.Value, Box(5).GetNumber("width")!.Value,
               Box(5).GetNumber("height")!.Value, 0, 1000, 1400), 10)!)
    {
        var ocr = Samples(n, _ => engine.Read(crop.Pixels(), PageSegMode.SingleBlock, CancellationToken.None));
        Console.WriteLine($"Stages: decode 1000×1400 PNG to gray p50 {P(decode, 0.5):0.0} ms; Tesseract on one {crop.Width}×{crop.Height} line crop " +
            $"p50 {P(ocr, 0.5):0.0} ms, p95 {P(ocr, 0.95):0.0} ms");
    }

    // Batch: the whole page, line boxes with transcriptions.
    var found = 0;
    var exact = 0;
    var pageLatency = await SamplesAsync(quick ? 3 : 8, async _ =>
    {
        var p = await backend.PredictAsync(Context(null), CancellationToken.None);
        var texts = p[0].Result.Where(r => r.Type == "textarea").Select(r => r.Value!.TextLines![0]).ToList();
        found = texts.Count;
        exact = texts.Count(lines.Contains);
    });
    Console.WriteLine($"Full page (batch, line boxes): p50 {P(pageLatency, 0.5):0} ms, p95 {P(pageLatency, 0.95):0} ms; {found} lines found, {exact}/40 exact");

    // Throughput of concurrent interactive requests: engines in the pool vs requests in flight.
    foreach (var engines in new[] { 1, 2 })
    {
        using var pooled = Backend(engines);
        await pooled.PredictAsync(LineRequest(0), CancellationToken.None);
        var requests = quick ? 16 : 48;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, requests), new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (i, ct) => await pooled.PredictAsync(LineRequest(i % lines.Count), ct));
        var cpuPer = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / requests;
        Console.WriteLine($"4 clients, MaxConcurrency={engines}: {requests / sw.Elapsed.TotalSeconds:0.0} line requests/s ({cpuPer:0.0} ms CPU/request)");
    }

    // A 12 MP photo (JPEG): box after box on it, with and without the decoded-image cache.
    using (var photo = TextPage.Render(4000, 3000, lines.Take(30).ToList(), fontSize: 56, left: 200, top: 150, lineGap: 1.6f))
    {
        File.WriteAllBytes(Path.Combine(work, "photo.jpg"), photo.Jpeg(90));
        foreach (var cache in new[] { 64, 0 })
        {
            using var photoBackend = Backend(2, cache);
            await photoBackend.PredictAsync(Context(new InteractiveContext { Result = [Box(0, photo)] }, "/data/local-files/?d=photo.jpg"), CancellationToken.None);
            var ok = 0;
            var boxes = quick ? 8 : 20;
            var photoLatency = await SamplesAsync(boxes, async i =>
            {
                var p = await photoBackend.PredictAsync(Context(new InteractiveContext { Result = [Box(1 + i % 29, photo)] }, "/data/local-files/?d=photo.jpg"), CancellationToken.None);
                if (p[0].Result.Count == 2 && p[0].Result[1].Value!.TextLines![0] == lines[1 + i % 29]) ok++;
            });
            Console.WriteLine($"12 MP JPEG photo, one line box per request, decoded-image cache {(cache == 0 ? "off" : cache + " MP")}: " +
                $"p50 {P(photoLatency, 0.5):0} ms, p95 {P(photoLatency, 0.95):0} ms; {ok}/{boxes} lines exact");
        }
    }

    // Cancellation: how soon a whole-page recognition stops once the request is cancelled 100 ms in.
    using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
    {
        var sw = Stopwatch.StartNew();
        try
        {
            await backend.PredictAsync(Context(null), cts.Token);
            Console.WriteLine($"Cancel: the page finished before the cancellation ({sw.ElapsedMilliseconds} ms)");
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine($"Cancel at 100 ms: the full-page request stopped after {sw.ElapsedMilliseconds} ms (uncancelled p50 {P(pageLatency, 0.5):0} ms)");
        }
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

static List<double> Samples(int n, Action<int> action)
{
    var times = new List<double>(n);
    for (var i = 0; i < n; i++)
    {
        var sw = Stopwatch.StartNew();
        action(i);
        times.Add(sw.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    return times;
}

static async Task<List<double>> SamplesAsync(int n, Func<int, Task> action)
{
    var times = new List<double>(n);
    for (var i = 0; i < n; i++)
    {
        var sw = Stopwatch.StartNew();
        await action(i);
        times.Add(sw.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    return times;
}

static double P(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
