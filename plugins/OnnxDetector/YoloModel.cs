using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>The two box-output layouts YOLO exports use.</summary>
internal enum YoloLayout
{
    /// <summary><c>[B, 4+C(+extra), N]</c>: YOLOv8/YOLO11 export; rows are cx, cy, w, h, then class scores, then task extras.</summary>
    ChannelsFirst,
    /// <summary><c>[B, N, 5+C(+extra)]</c>: YOLOv5 export; each row is cx, cy, w, h, objectness, class probabilities, extras.</summary>
    RowsWithObjectness,
}

/// <summary>
/// One loaded YOLO-family ONNX model (any Ultralytics task): a single <see cref="InferenceSession"/> shared by every
/// request (ONNX Runtime sessions are thread-safe for <c>Run</c>), its input geometry, task, class names and keypoint
/// shape. A model whose inputs or outputs do not fit its task is refused with the layout it should have.
/// </summary>
internal sealed partial class YoloModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string[] _outputNames;
    private readonly string _outputFormat;
    private readonly RunOptions _runOptions = new();

    private YoloModel(InferenceSession session, string path, DetectorSettings settings)
    {
        _session = session;
        Path = path;
        _outputFormat = settings.OutputFormat;

        if (session.InputMetadata.Count != 1)
            throw Invalid($"has {session.InputMetadata.Count} inputs; a YOLO model has one image input [batch, 3, height, width]");
        var (inputName, input) = session.InputMetadata.First();
        _inputName = inputName;
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float)
            throw Invalid($"input '{inputName}' is {input.ElementDataType}; only float32 image inputs are supported");
        var dims = input.Dimensions;
        if (dims.Length != 4 || (dims[1] > 0 && dims[1] != 3))
            throw Invalid($"input '{inputName}' has shape [{string.Join(", ", dims)}]; expected [batch, 3, height, width]");
        DynamicBatch = dims[0] <= 0;
        var metadata = session.ModelMetadata.CustomMetadataMap;
        var exportSize = metadata.TryGetValue("imgsz", out var imgsz) ? ParseInts(imgsz) : [];
        InputHeight = dims[2] > 0 ? dims[2] : exportSize.Count == 2 ? exportSize[0] : settings.InputSize;
        InputWidth = dims[3] > 0 ? dims[3] : exportSize.Count == 2 ? exportSize[1] : settings.InputSize;

        foreach (var (name, output) in session.OutputMetadata)
            if (!output.IsTensor || output.ElementDataType != TensorElementType.Float)
                throw Invalid($"output '{name}' is {output.ElementDataType}; only float32 outputs are supported");
        _outputNames = [.. session.OutputMetadata.Keys];
        OutputShapes = string.Join(" and ", session.OutputMetadata.Select(o => $"{o.Key} [{string.Join(", ", o.Value.Dimensions.Select(Dim))}]"));

        ClassNames = settings.ClassNames.Count > 0 ? settings.ClassNames
            : metadata.TryGetValue("names", out var names) ? ParseNames(names)
            : [];
        var ranks = session.OutputMetadata.Values.Select(o => o.Dimensions.Length).ToList();
        Task = YoloTasks.Parse(metadata.GetValueOrDefault("task"))
            ?? (ranks.Count >= 2 && ranks[1] == 4 ? YoloTask.Segment
                : ranks[0] == 2 ? YoloTask.Classify
                : metadata.ContainsKey("kpt_shape") ? YoloTask.Pose
                : YoloTask.Detect);
        if (metadata.TryGetValue("kpt_shape", out var kpt) && ParseInts(kpt) is [var k, var d] && k > 0 && d is 2 or 3)
            (Keypoints, KeypointDims) = (k, d);
        CheckOutputs(ranks);
        Version = $"{System.IO.Path.GetFileNameWithoutExtension(path)}-{HashPrefix(path)}";
    }

    public string Path { get; }

    public int InputWidth { get; }

    public int InputHeight { get; }

    /// <summary>Whether several images can run in one call.</summary>
    public bool DynamicBatch { get; }

    /// <summary>The task from the export's <c>task</c> metadata, else from the output shapes.</summary>
    public YoloTask Task { get; }

    /// <summary>Class names by index (settings first, then the model's <c>names</c> metadata); may be empty.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Keypoints per box of a pose model (from <c>kpt_shape</c>, else from the output width); 0 otherwise.</summary>
    public int Keypoints { get; private set; }

    /// <summary>Floats per keypoint: 3 (x, y, visibility) or 2 (x, y).</summary>
    public int KeypointDims { get; private set; } = 3;

    /// <summary>The outputs as the model declares them, for error messages.</summary>
    public string OutputShapes { get; }

    /// <summary>The model file's name and a hash of its bytes: a new model file is a new model version.</summary>
    public string Version { get; }

    public static YoloModel Load(string path, DetectorSettings settings)
    {
        if (!File.Exists(path)) throw new DetectorConfigurationException($"The model file '{path}' does not exist.");
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (settings.IntraOpThreads > 0) options.IntraOpNumThreads = settings.IntraOpThreads;
        // Several requests run concurrently on few cores: spinning idle threads would only steal CPU from them.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new DetectorConfigurationException($"The model file '{path}' is not a loadable ONNX model: {ex.Message}", ex);
        }
        finally
        {
            options.Dispose();
        }
        try
        {
            return new YoloModel(session, path, settings);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Whether this model can serve <paramref name="task"/>: boxes come from any box-producing task.</summary>
    public bool Serves(YoloTask task) => task == Task || (task == YoloTask.Detect && Task is YoloTask.Segment or YoloTask.Pose);

    /// <summary>The error for a control that needs <paramref name="task"/> from this model.</summary>
    public DetectorConfigurationException WrongTask(YoloTask task, string control) =>
        new($"{control} needs {task.ExpectedLayout()}; the model '{System.IO.Path.GetFileName(Path)}' is a '{Task.Name()}' model with {OutputShapes}. " +
            "Export the right task (yolo export model=yolo11n-seg.pt format=onnx, …) and point the control's model_path (or the backend's Models setting) at it.");

    /// <summary>Runs <paramref name="count"/> preprocessed images (<c>[count, 3, H, W]</c> in <paramref name="input"/>);
    /// the outputs live until the result is disposed.</summary>
    public YoloOutputs Run(Memory<float> input, int count)
    {
        using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, [count, 3, InputHeight, InputWidth]);
        var results = _session.Run(_runOptions, [_inputName], [tensor], _outputNames);
        try
        {
            return new YoloOutputs(results, this);
        }
        catch
        {
            results.Dispose();
            throw;
        }
    }

    /// <summary>Which box layout a concrete output shape is: the setting, else the class count (when names are known)
    /// decides, else the longer axis is the candidate axis (thousands of anchors against tens of channels).</summary>
    internal YoloLayout ResolveLayout(long[] shape, int extraChannels)
    {
        if (Task != YoloTask.Detect && Task != YoloTask.Segment) return YoloLayout.ChannelsFirst; // v8/11 heads only
        if (_outputFormat == "yolov8") return YoloLayout.ChannelsFirst;
        if (_outputFormat == "yolov5") return YoloLayout.RowsWithObjectness;
        var c = ClassNames.Count;
        if (c > 0)
        {
            if (shape[1] == 4 + c + extraChannels) return YoloLayout.ChannelsFirst;
            if (shape[2] == 5 + c + extraChannels) return YoloLayout.RowsWithObjectness;
        }
        return shape[1] <= shape[2] ? YoloLayout.ChannelsFirst : YoloLayout.RowsWithObjectness;
    }

    /// <summary>Refuses outputs that cannot be this task's (checked again on the concrete shapes of each run).</summary>
    private void CheckOutputs(List<int> ranks)
    {
        var fits = Task switch
        {
            YoloTask.Classify => ranks[0] == 2,
            YoloTask.Segment => ranks.Count >= 2 && ranks[0] == 3 && ranks[1] == 4,
            _ => ranks[0] == 3,
        };
        if (!fits) throw WrongLayout();
        if (Task == YoloTask.Pose && Keypoints == 0)
        {
            // No kpt_shape metadata: K from the channel count when the classes are known.
            var channels = _session.OutputMetadata.Values.First().Dimensions[1];
            var rest = channels - 4 - ClassNames.Count;
            if (channels <= 0 || ClassNames.Count == 0 || rest <= 0 || rest % 3 != 0)
                throw new DetectorConfigurationException(
                    $"The pose model '{Path}' has no kpt_shape metadata and its keypoints cannot be told from {OutputShapes}: " +
                    $"export it with Ultralytics (which writes kpt_shape), or give ClassNames. Expected {Task.ExpectedLayout()}.");
            Keypoints = (int)rest / 3;
        }
    }

    /// <summary>The error for outputs that do not fit the task: names the expected layout.</summary>
    internal DetectorConfigurationException WrongLayout(string? actual = null) =>
        new($"The model '{System.IO.Path.GetFileName(Path)}' ('{Task.Name()}' task) has {actual ?? OutputShapes}; expected {Task.ExpectedLayout()}.");

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>Reads Ultralytics' <c>names</c> metadata, a Python dict literal: <c>{0: 'person', 1: "dog's bed"}</c>.</summary>
    internal static IReadOnlyList<string> ParseNames(string text)
    {
        var byIndex = new SortedDictionary<int, string>();
        foreach (Match m in NamesPattern().Matches(text)) byIndex[int.Parse(m.Groups["i"].Value)] = m.Groups["name"].Value;
        if (byIndex.Count == 0) return [];
        var names = new string[byIndex.Keys.Max() + 1];
        for (var i = 0; i < names.Length; i++) names[i] = byIndex.GetValueOrDefault(i) ?? i.ToString();
        return names;
    }

    /// <summary>Integers of a metadata list such as <c>[17, 3]</c> or <c>[640, 640]</c>.</summary>
    private static List<int> ParseInts(string text) =>
        [.. IntegerPattern().Matches(text).Select(m => int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture))];

    [GeneratedRegex(@"(?<i>\d+)\s*:\s*(?<q>['""])(?<name>.*?)\k<q>")]
    private static partial Regex NamesPattern();

    [GeneratedRegex(@"\d+")]
    private static partial Regex IntegerPattern();

    private static string Dim(int d) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";

    private static string HashPrefix(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..8];
    }

    private DetectorConfigurationException Invalid(string problem) =>
        new($"The model '{Path}' {problem}.");
}
