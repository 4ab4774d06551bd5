using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.DetectorBench;
using PluginHost.Imaging;
using PluginHost.Plugins.OnnxDetector;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;
using SkiaSharp;

// Usage: dotnet run -c Release --project bench/PluginHost.DetectorBench [-- --quick] [-- --tasks]
// Measures the detector backend end to end (local file → decode → letterbox → ONNX Runtime → NMS → regions)
// on 640×640 JPEGs with a YOLOv8-sized synthetic model, then the stages alone. --tasks measures images/s for every
// YOLO task (detect, obb, segment → polygons and brush, pose, classify) at batch 1 and 16 instead.
var quick = args.Contains("--quick");
var work = Directory.CreateTempSubdirectory("detector-bench-").FullName;
if (args.Contains("--tasks"))
{
    try
    {
        await YoloTaskBench.RunAsync(work, quick);
    }
    finally
    {
        Directory.Delete(work, recursive: true);
    }
    return;
}
try
{
    var modelPath = Path.Combine(work, "synthetic-yolov8.onnx");
    var modelBytes = SyntheticYolo.Build(dynamicBatch: true);
    File.WriteAllBytes(modelPath, modelBytes);
    var imageDir = Directory.CreateDirectory(Path.Combine(work, "images")).FullName;
    var images = Enumerable.Range(0, 16).Select(i => YoloTaskBench.WriteImage(imageDir, i)).ToArray();
    Console.WriteLine($"Model: synthetic YOLOv8-shaped, {modelBytes.Length / 1e6:0.0} MB, input 640×640, output [1, 84, 8400]");
    Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");

    using var services = new ServiceCollection().AddLogging()
        .AddTaskDataAccess(o =>
        {
            o.LabelStudioUrl = null;
            o.ApiKey = null;
            o.LocalFilesDocumentRoot = imageDir;
            o.CacheDirectory = Path.Combine(work, "cache");
        }).BuildServiceProvider();
    var resolver = services.GetRequiredService<ITaskDataResolver>();
    var config = LabelConfig.Parse("""
        <View><Image name="image" value="$image"/>
          <RectangleLabels name="label" toName="image"><Label value="A" predicted_values="class0"/><Label value="B" predicted_values="class1"/>
          <Label value="C" predicted_values="class2"/><Label value="D" predicted_values="class3"/></RectangleLabels></View>
        """);

    var setups = quick
        ? new[] { (Concurrency: 1, Threads: 0, Batch: 1) }
        : [(1, 0, 1), (1, 1, 1), (2, 1, 1), (2, 0, 1), (1, 0, 4), (2, 1, 4)];
    foreach (var (concurrency, threads, batch) in setups)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ModelPath"] = modelPath,
            ["MaxConcurrency"] = concurrency.ToString(),
            ["IntraOpThreads"] = threads.ToString(),
            ["BatchSize"] = batch.ToString(),
        }).Build();
        var optionServices = new ServiceCollection();
        optionServices.Configure<DetectorSettings>(configuration);
        using var options = optionServices.BuildServiceProvider();
        using var backend = new DetectorBackend(resolver, NullLogger<DetectorBackend>.Instance, new BackendEnvironment
        {
            Name = "detector",
            Settings = configuration,
            ModelDirectory = work,
            SourceDirectory = work,
        }, options.GetRequiredService<IOptions<DetectorSettings>>());
        if (backend.HealthError is { } error) throw new InvalidOperationException(error);

        PredictContext Context(int count, int offset) => new()
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
                Data = new() { ["image"] = JsonSerializer.SerializeToElement(images[(offset + i) % images.Length]) },
            }).ToList(),
        };

        for (var i = 0; i < 3; i++) await backend.PredictAsync(Context(1, i), CancellationToken.None);

        // Latency: one task per request, sequential (interactive-style).
        var latencies = new List<double>();
        var regions = 0;
        var n = quick ? 10 : 30;
        for (var i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            var p = await backend.PredictAsync(Context(1, i), CancellationToken.None);
            latencies.Add(sw.Elapsed.TotalMilliseconds);
            regions += p[0].Result.Count;
        }
        latencies.Sort();

        // Throughput: batches of 16 tasks per request (Retrieve Predictions-style).
        var requests = quick ? 1 : 3;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var total = Stopwatch.StartNew();
        for (var r = 0; r < requests; r++) await backend.PredictAsync(Context(16, r), CancellationToken.None);
        var imagesPerSecond = requests * 16 / total.Elapsed.TotalSeconds;
        // CPU time per image is far less sensitive than wall time to other processes sharing the machine.
        var cpuPerImage = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / (requests * 16);

        Console.WriteLine($"MaxConcurrency={concurrency} IntraOpThreads={(threads == 0 ? "auto" : threads)} BatchSize={batch}: " +
            $"1 task/request p50 {Percentile(latencies, 0.5):0.0} ms, p95 {Percentile(latencies, 0.95):0.0} ms; " +
            $"16 tasks/request {imagesPerSecond:0.0} images/s ({cpuPerImage:0} ms CPU/image); {regions / (double)n:0.0} regions/image");
    }

    // Stage costs on their own, single-threaded.
    using (var model = YoloModel.Load(modelPath, new DetectorSettings().Validate()))
    using (var canvas = Letterbox.CreateCanvas(640, 640))
    {
        var buffer = new float[3 * 640 * 640];
        var files = images.Select(i => Path.Combine(imageDir, TaskDataUrls(i))).ToArray();
        var prep = Time(quick ? 10 : 30, i => Letterbox.Prepare(files[i % files.Length], canvas, buffer));
        var infer = Time(quick ? 5 : 15, _ => model.Run(buffer, 1).Dispose());
        float[] raw;
        YoloLayout layout;
        int candidates, classes, rowLength;
        using (var o = model.Run(buffer, 1)) (raw, layout, candidates, classes, rowLength) = (o.Image(0).ToArray(), o.Layout, o.Candidates, o.Classes, o.RowLength);
        var post = Time(quick ? 20 : 100, _ => YoloDecoder.Decode(raw, layout, candidates, classes, rowLength, 0.25f, 0.45f, 300, c => c < 4));
        Console.WriteLine($"Stages: decode+orient+letterbox {prep:0.0} ms/image; ONNX Runtime run {infer:0.0} ms/image; " +
            $"YOLO decode+NMS {post:0.00} ms/image");
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

static string TaskDataUrls(string value) => Uri.UnescapeDataString(value["/data/local-files/?d=".Length..]);

static double Time(int n, Action<int> action)
{
    action(0);
    var sw = Stopwatch.StartNew();
    for (var i = 0; i < n; i++) action(i);
    return sw.Elapsed.TotalMilliseconds / n;
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
