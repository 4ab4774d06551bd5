using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Plugins.OnnxDetector;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;
using SkiaSharp;

namespace PluginHost.DetectorBench;

/// <summary>
/// Images per second for every YOLO task through the whole backend (file → decode → letterbox → ONNX Runtime →
/// task decoding → regions), 16 tasks per request, one chunk at a time (MaxConcurrency 1) so that batch 1 and
/// batch 16 compare the batching alone. Models are YOLOv8n-sized synthetic networks of each task's real I/O.
/// </summary>
public static class YoloTaskBench
{
    private const string Labels = """<Label value="A" predicted_values="class0"/><Label value="B" predicted_values="class1"/><Label value="C" predicted_values="class2"/><Label value="D" predicted_values="class3"/>""";

    private static readonly (string Name, string Task, int Size, int Classes, string Config)[] Cases =
    [
        ("detect", "detect", 640, 80, $"""<View><Image name="image" value="$image"/><RectangleLabels name="l" toName="image">{Labels}</RectangleLabels></View>"""),
        ("obb", "obb", 640, 15, $"""<View><Image name="image" value="$image"/><RectangleLabels name="l" toName="image">{Labels}</RectangleLabels></View>"""),
        ("segment → polygons", "segment", 640, 80, $"""<View><Image name="image" value="$image"/><PolygonLabels name="l" toName="image">{Labels}</PolygonLabels></View>"""),
        ("segment → brush", "segment", 640, 80, $"""<View><Image name="image" value="$image"/><BrushLabels name="l" toName="image">{Labels}</BrushLabels></View>"""),
        ("pose", "pose", 640, 1, "<View><Image name=\"image\" value=\"$image\"/><RectangleLabels name=\"p_bbox\" toName=\"image\"><Label value=\"Person\"/></RectangleLabels>" +
            "<KeyPointLabels name=\"p\" toName=\"image\">" + string.Concat(Enumerable.Range(0, 17).Select(i => $"<Label value=\"k{i}\"/>")) + "</KeyPointLabels></View>"),
        ("classify", "classify", 224, 1000, $"""<View><Image name="image" value="$image"/><Choices name="c" toName="image" model_score_threshold="0"><Choice value="A" predicted_values="class0"/><Choice value="B" predicted_values="class1"/></Choices></View>"""),
    ];

    public static async Task RunAsync(string work, bool quick)
    {
        var imageDir = Directory.CreateDirectory(Path.Combine(work, "images")).FullName;
        var images = Enumerable.Range(0, 16).Select(i => WriteImage(imageDir, i)).ToArray();
        using var services = new ServiceCollection().AddLogging()
            .AddTaskDataAccess(o =>
            {
                o.LabelStudioUrl = null;
                o.ApiKey = null;
                o.LocalFilesDocumentRoot = imageDir;
                o.CacheDirectory = Path.Combine(work, "cache");
            }).BuildServiceProvider();
        var resolver = services.GetRequiredService<ITaskDataResolver>();
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; 16 tasks/request, MaxConcurrency 1, 640×640 JPEGs");
        Console.WriteLine("| task | input | batch 1: images/s (CPU ms/image) | batch 16: images/s (CPU ms/image) | regions/image |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (name, task, size, classes, configXml) in Cases)
        {
            var modelPath = Path.Combine(work, $"synthetic-{task}.onnx");
            if (!File.Exists(modelPath)) File.WriteAllBytes(modelPath, SyntheticYolo.Build(size, classes, dynamicBatch: true, task: task));
            var config = LabelConfig.Parse(configXml);
            var results = new List<(double ImagesPerSecond, double CpuMs, double Regions)>();
            foreach (var batch in new[] { 1, 16 })
            {
                var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["ModelPath"] = modelPath, ["BatchSize"] = batch.ToString(), ["MaxConcurrency"] = "1",
                    ["InputSize"] = size.ToString(), ["ScoreThreshold"] = "0.25",
                }).Build();
                using var backend = new DetectorBackend(resolver, NullLogger<DetectorBackend>.Instance, new BackendEnvironment
                {
                    Name = "detector",
                    Settings = settings,
                    ModelDirectory = work,
                    SourceDirectory = work,
                }, Options.Create(settings.Get<DetectorSettings>() ?? new DetectorSettings()));
                if (backend.HealthError is { } error) throw new InvalidOperationException(error);
                await backend.PredictAsync(Context(config, images, 16), CancellationToken.None); // warm-up
                var requests = quick ? 1 : 3;
                var regions = 0;
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                for (var r = 0; r < requests; r++)
                    regions += (await backend.PredictAsync(Context(config, images, 16), CancellationToken.None)).Sum(p => p.Result.Count);
                // CPU time per image is far less sensitive than wall time to other processes sharing the machine.
                var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / (requests * 16);
                results.Add((requests * 16 / watch.Elapsed.TotalSeconds, cpuMs, regions / (requests * 16.0)));
            }
            Console.WriteLine($"| {name} | {size}×{size} | {results[0].ImagesPerSecond:0.0} ({results[0].CpuMs:0}) | {results[1].ImagesPerSecond:0.0} ({results[1].CpuMs:0}) | {results[1].Regions:0.0} |");
        }
    }

    private static PredictContext Context(LabelConfig config, string[] images, int count) => new()
    {
        BackendName = "detector",
        Project = ProjectRef.Default,
        LabelConfig = config,
        ExtraParams = ExtraParams.Empty,
        Logger = NullLogger.Instance,
        State = null!,
        ModelVersion = "bench",
        Tasks = Enumerable.Range(0, count).Select(i => new LabelStudioTask
        {
            Id = i,
            Data = new() { ["image"] = JsonSerializer.SerializeToElement(images[i % images.Length]) },
        }).ToList(),
    };

    /// <summary>A 640×640 JPEG of random coloured discs, served as a Label Studio local file.</summary>
    public static string WriteImage(string dir, int index)
    {
        var random = new Random(index);
        using var bitmap = new SKBitmap(640, 640);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            using var paint = new SKPaint { IsAntialias = true };
            for (var i = 0; i < 30; i++)
            {
                paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
                canvas.DrawCircle(random.Next(640), random.Next(640), random.Next(10, 120), paint);
            }
        }
        using var data = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Jpeg, 90);
        var name = $"img {index}.jpg";
        File.WriteAllBytes(Path.Combine(dir, name), data.ToArray());
        return "/data/local-files/?d=" + Uri.EscapeDataString(name);
    }
}
