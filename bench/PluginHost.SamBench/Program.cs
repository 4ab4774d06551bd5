using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using PluginHost.Plugins.Segmentation.Sam;
using PluginHost.SamBench;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.Json;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

// Usage: dotnet run -c Release --project bench/PluginHost.SamBench [-- [--quick] [--profile] [--intra-op N]]
// --quick: 4 images, 20 clicks per annotator; --profile: ONNX Runtime's per-operator profile of the decoder;
// --intra-op N: the backend's IntraOpThreads (0: ONNX Runtime's choice).
// The sam backend end to end (PredictAsync: prompt parsing → cached embedding → decoder → threshold → brush RLE) with
// MobileSAM-sized synthetic models (SyntheticSam) on 1280×960 JPEGs: encoder time (first click on an image), then
// decoder-only clicks (every click after the first) at 1 and 4 concurrent annotators, and cache memory per image.
var quick = args.Contains("--quick");
var work = Directory.CreateTempSubdirectory("sam-bench-").FullName;
try
{
    var encoderBytes = SyntheticSam.Encoder();
    var decoderBytes = SyntheticSam.Decoder();
    File.WriteAllBytes(Path.Combine(work, "encoder.onnx"), encoderBytes);
    File.WriteAllBytes(Path.Combine(work, "decoder.onnx"), decoderBytes);
    var imageDir = Directory.CreateDirectory(Path.Combine(work, "images")).FullName;
    var imageCount = quick ? 4 : 8;
    var images = Enumerable.Range(0, imageCount).Select(i => WriteImage(imageDir, i)).ToArray();
    Console.WriteLine($"Models: synthetic MobileSAM-sized encoder {encoderBytes.Length / 1e6:0.0} MB (input 1024×1024 → [1, 256, 64, 64]), decoder {decoderBytes.Length / 1e6:0.0} MB");
    Console.WriteLine($"Images: {imageCount} JPEGs 1280×960. Machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");

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
          <BrushLabels name="tag" toName="image"><Label value="Object"/></BrushLabels>
          <KeyPointLabels name="kp" toName="image" smart="true"><Label value="Object" smart="true"/></KeyPointLabels></View>
        """);
    var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["EncoderPath"] = Path.Combine(work, "encoder.onnx"),
        ["DecoderPath"] = Path.Combine(work, "decoder.onnx"),
        ["IntraOpThreads"] = Option("--intra-op") ?? "0",
    }).Build();
    using var backend = new SamBackend(Options.Create(settings.Get<SamSettings>() ?? new SamSettings()), resolver, NullLogger<SamBackend>.Instance,
        new BackendEnvironment { Name = "sam", Settings = settings, ModelDirectory = work, SourceDirectory = work });
    if (backend.HealthError is { } error) throw new InvalidOperationException(error);
    var sam = backend.Segmenter!;

    PredictContext Click(string image, double x, double y) => new()
    {
        BackendName = "sam",
        Project = ProjectRef.Default,
        LabelConfig = config,
        ExtraParams = ExtraParams.Empty,
        Logger = NullLogger.Instance,
        State = null!,
        ModelVersion = "bench",
        Tasks = [new LabelStudioTask { Id = 1, Data = new() { ["image"] = JsonSerializer.SerializeToElement(image) } }],
        Interactive = JsonSerializer.Deserialize<InteractiveContext>($$$"""
            {"result":[{"from_name":"kp","to_name":"image","type":"keypointlabels","is_positive":true,"original_width":1280,"original_height":960,
              "value":{"x":{{{x.ToString(CultureInfo.InvariantCulture)}}},"y":{{{y.ToString(CultureInfo.InvariantCulture)}}},"width":0.5,"keypointlabels":["Object"]}}]}
            """, SdkJson.Options),
    };

    // Warm up ONNX Runtime and the JIT on one image (not counted).
    await backend.PredictAsync(Click(images[0], 50, 50), CancellationToken.None);

    // 1. First click on a new image: fetch + decode + encoder + decoder. The encoder's share (decode, resize, normalize,
    // encoder run) is what the backend records on its pluginhost.sam.encoder.duration histogram.
    var encoderTimes = new System.Collections.Concurrent.ConcurrentBag<double>();
    using var listener = new System.Diagnostics.Metrics.MeterListener();
    listener.InstrumentPublished = (instrument, l) =>
    {
        if (instrument is { Meter.Name: "PluginHost.Sam", Name: "pluginhost.sam.encoder.duration" }) l.EnableMeasurementEvents(instrument);
    };
    listener.SetMeasurementEventCallback<double>((_, value, _, _) => encoderTimes.Add(value));
    listener.Start();
    var firstClicks = new List<double>();
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    for (var i = 1; i < images.Length; i++)
    {
        var started = Stopwatch.GetTimestamp();
        var prediction = await backend.PredictAsync(Click(images[i], 40, 45), CancellationToken.None);
        firstClicks.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (prediction[0].Result.Count != 1) throw new InvalidOperationException("The first click gave no mask.");
    }
    var firstClickCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / firstClicks.Count;
    var after = GC.GetTotalMemory(forceFullCollection: true);
    Console.WriteLine();
    listener.Dispose();
    Console.WriteLine($"First click on a new image (encoder + decoder), {firstClicks.Count} images: p50 {Percentile(firstClicks, 50):0} ms, p95 {Percentile(firstClicks, 95):0} ms; CPU {firstClickCpu:0} ms per first click");
    Console.WriteLine($"Encoder (decode, resize, normalize, encoder run), {encoderTimes.Count} images: p50 {Percentile([.. encoderTimes], 50):0} ms, p95 {Percentile([.. encoderTimes], 95):0} ms");
    Console.WriteLine($"Embedding cache: {sam.Cache.Count} images, {sam.Cache.Bytes / 1048576.0:0.00} MB counted ({sam.Cache.Bytes / (double)sam.Cache.Count / 1048576.0:0.00} MB per image); " +
        $"managed heap grew {(after - before) / 1048576.0 / firstClicks.Count:0.00} MB per image");

    // Stages of a decoder-only click, one at a time: the decoder run (+ threshold) and the brush RLE of its mask.
    var (embedding, _) = await sam.EmbedAsync(images[1], 1, ProjectRef.Default, CancellationToken.None);
    var prompt = new SamPrompt([new PromptPoint(512, 430, true)], null);
    var decodes = new List<double>();
    var encodes = new List<double>();
    for (var i = 0; i < (quick ? 10 : 30); i++)
    {
        var started = Stopwatch.GetTimestamp();
        var mask = sam.Segment(embedding, prompt);
        decodes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        started = Stopwatch.GetTimestamp();
        PluginHost.Sdk.Predictions.BrushRle.EncodeMask(mask.Pixels, mask.Width, mask.Height);
        encodes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
    var logits = Enumerable.Range(0, 1280 * 960).Select(i => MathF.Sin(i * 0.001f)).ToArray();
    var pixels = new byte[logits.Length];
    var thresholds = new List<double>();
    for (var i = 0; i < (quick ? 10 : 30); i++)
    {
        var started = Stopwatch.GetTimestamp();
        MaskThreshold.Apply(logits, 0, pixels);
        thresholds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
    Console.WriteLine($"Decoder run + threshold alone: p50 {Percentile(decodes, 50):0.0} ms (threshold of the 1280×960 logits: {Percentile(thresholds, 50):0.00} ms); " +
        $"brush RLE of the 1280×960 mask: p50 {Percentile(encodes, 50):0.00} ms");
    if (args.Contains("--profile"))
    {
        DecoderProfile.Print(Path.Combine(work, "decoder.onnx"), work, quick ? 10 : 30, session => () =>
        {
            using var e = OrtValue.CreateTensorValueFromMemory(embedding.Data, embedding.Shape);
            using var coords = OrtValue.CreateTensorValueFromMemory(new float[] { 512, 384, 0, 0 }, [1, 2, 2]);
            using var labels = OrtValue.CreateTensorValueFromMemory(new float[] { 1, -1 }, [1, 2]);
            using var mask = OrtValue.CreateTensorValueFromMemory(new float[256 * 256], [1, 1, 256, 256]);
            using var hasMask = OrtValue.CreateTensorValueFromMemory(new float[] { 0 }, [1]);
            using var size = OrtValue.CreateTensorValueFromMemory(new float[] { 960, 1280 }, [2]);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, ["image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input", "orig_im_size"],
                [e, coords, labels, mask, hasMask, size], ["masks", "iou_predictions"]);
        });
    }

    // 2. Decoder-only clicks: every image is cached; each annotator clicks on its own image, one click after another.
    var clicks = quick ? 20 : 60;
    Console.WriteLine();
    Console.WriteLine($"Load average while measuring: {LoadAverage()} (the figures below are wall-clock; CPU ms per click does not depend on other load)");
    Console.WriteLine("| annotators | clicks | p50 ms | p95 ms | clicks/s | CPU ms per click |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var annotators in new[] { 1, 4 })
    {
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var runs = sam.EncoderRuns;
        var wall = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        // One thread per annotator: a cached click runs synchronously, so thread-pool workers (2 on 2 cores at first)
        // would run fewer annotators at once than asked and hide the contention.
        var threads = Enumerable.Range(0, annotators).Select(a => new Thread(() =>
        {
            var random = new Random(a);
            var image = images[1 + a % (images.Length - 1)];
            for (var c = 0; c < clicks; c++)
            {
                var started = Stopwatch.GetTimestamp();
                var prediction = backend.PredictAsync(Click(image, 20 + random.NextDouble() * 60, 20 + random.NextDouble() * 60), CancellationToken.None)
                    .AsTask().GetAwaiter().GetResult();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (prediction[0].Result.Count != 1) throw new InvalidOperationException("A click gave no mask.");
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        wall.Stop();
        var cpuPerClick = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / (annotators * clicks);
        if (sam.EncoderRuns != runs) throw new InvalidOperationException("A decoder-only click ran the encoder.");
        var list = latencies.ToList();
        Console.WriteLine($"| {annotators} | {list.Count} | {Percentile(list, 50):0.0} | {Percentile(list, 95):0.0} | {list.Count / wall.Elapsed.TotalSeconds:0.0} | {cpuPerClick:0.0} |");
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    var rank = p / 100 * (sorted.Count - 1);
    var low = (int)Math.Floor(rank);
    var high = Math.Min(low + 1, sorted.Count - 1);
    return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

static string WriteImage(string dir, int index) => PluginHost.Bench.BenchImages.WriteJpeg(dir, $"photo {index}.jpg", index, 1280, 960, discs: 40);
