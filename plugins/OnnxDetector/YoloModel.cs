using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>The two YOLO output layouts this backend reads.</summary>
internal enum YoloLayout
{
    /// <summary><c>[B, 4+C, N]</c>: YOLOv8/YOLO11 export; rows are cx, cy, w, h, then class scores.</summary>
    ChannelsFirst,
    /// <summary><c>[B, N, 5+C]</c>: YOLOv5 export; each row is cx, cy, w, h, objectness, class probabilities.</summary>
    RowsWithObjectness,
}

/// <summary>
/// One loaded YOLO-family ONNX model: a single <see cref="InferenceSession"/> shared by every request (ONNX Runtime
/// sessions are thread-safe for <c>Run</c>), its input geometry, output layout and class names.
/// </summary>
internal sealed partial class YoloModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly string _outputFormat;
    private readonly RunOptions _runOptions = new();

    private YoloModel(InferenceSession session, string path, DetectorSettings settings)
    {
        _session = session;
        Path = path;
        _outputFormat = settings.OutputFormat;

        if (session.InputMetadata.Count != 1)
            throw Invalid($"has {session.InputMetadata.Count} inputs; a YOLO detector has one image input [batch, 3, height, width]");
        var (inputName, input) = session.InputMetadata.First();
        _inputName = inputName;
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float)
            throw Invalid($"input '{inputName}' is {input.ElementDataType}; only float32 image inputs are supported");
        var dims = input.Dimensions;
        if (dims.Length != 4 || (dims[1] > 0 && dims[1] != 3))
            throw Invalid($"input '{inputName}' has shape [{string.Join(", ", dims)}]; expected [batch, 3, height, width]");
        DynamicBatch = dims[0] <= 0;
        InputHeight = dims[2] > 0 ? dims[2] : settings.InputSize;
        InputWidth = dims[3] > 0 ? dims[3] : settings.InputSize;

        // Ultralytics exports put the detection tensor first; extra outputs (e.g. segmentation protos) are ignored.
        var (outputName, output) = session.OutputMetadata.First();
        _outputName = outputName;
        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float)
            throw Invalid($"output '{outputName}' is {output.ElementDataType}; only float32 outputs are supported");
        if (output.Dimensions.Length != 3)
            throw Invalid($"output '{outputName}' has shape [{string.Join(", ", output.Dimensions)}]; expected [1, 4+C, N] (YOLOv8/11) or [1, N, 5+C] (YOLOv5)");

        var metadata = session.ModelMetadata.CustomMetadataMap;
        ClassNames = settings.ClassNames.Count > 0 ? settings.ClassNames
            : metadata.TryGetValue("names", out var names) ? ParseNames(names)
            : [];
        Version = $"{System.IO.Path.GetFileNameWithoutExtension(path)}-{HashPrefix(path)}";
    }

    public string Path { get; }

    public int InputWidth { get; }

    public int InputHeight { get; }

    /// <summary>Whether several images can run in one call.</summary>
    public bool DynamicBatch { get; }

    /// <summary>Class names by index (settings first, then the model's <c>names</c> metadata); may be empty.</summary>
    public IReadOnlyList<string> ClassNames { get; }

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

    /// <summary>Runs <paramref name="count"/> letterboxed images (<c>[count, 3, H, W]</c> in <paramref name="input"/>)
    /// and hands the raw output to <paramref name="read"/> while it is alive.</summary>
    public T Run<T>(Memory<float> input, int count, Func<YoloOutput, T> read)
    {
        using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, [count, 3, InputHeight, InputWidth]);
        using var results = _session.Run(_runOptions, [_inputName], [tensor], [_outputName]);
        var output = results[0];
        var shape = output.GetTensorTypeAndShape().Shape;
        return read(new YoloOutput(output.GetTensorDataAsSpan<float>(), shape, ResolveLayout(shape), ClassNames.Count));
    }

    /// <summary>Which layout a concrete output shape is: the class count (when names are known) decides, else the
    /// longer axis is the candidate axis (thousands of anchors against tens of channels).</summary>
    private YoloLayout ResolveLayout(long[] shape)
    {
        if (_outputFormat == "yolov8") return YoloLayout.ChannelsFirst;
        if (_outputFormat == "yolov5") return YoloLayout.RowsWithObjectness;
        var c = ClassNames.Count;
        if (c > 0)
        {
            if (shape[1] == 4 + c) return YoloLayout.ChannelsFirst;
            if (shape[2] == 5 + c) return YoloLayout.RowsWithObjectness;
        }
        return shape[1] <= shape[2] ? YoloLayout.ChannelsFirst : YoloLayout.RowsWithObjectness;
    }

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

    [GeneratedRegex(@"(?<i>\d+)\s*:\s*(?<q>['""])(?<name>.*?)\k<q>")]
    private static partial Regex NamesPattern();

    private static string HashPrefix(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..8];
    }

    private DetectorConfigurationException Invalid(string problem) =>
        new($"The model '{Path}' {problem}.");
}

/// <summary>A view over one inference output: <c>[B, A, N]</c> floats and how to read them. When the class names are
/// known, channels past the classes (e.g. a segmentation model's mask coefficients) are ignored.</summary>
internal readonly ref struct YoloOutput(ReadOnlySpan<float> data, long[] shape, YoloLayout layout, int knownClasses = 0)
{
    public ReadOnlySpan<float> Data { get; } = data;

    public YoloLayout Layout { get; } = layout;

    public int Batch => (int)shape[0];

    /// <summary>Candidate boxes per image.</summary>
    public int Candidates => (int)(Layout == YoloLayout.ChannelsFirst ? shape[2] : shape[1]);

    /// <summary>Classes the model scores.</summary>
    public int Classes
    {
        get
        {
            var available = (int)(Layout == YoloLayout.ChannelsFirst ? shape[1] - 4 : shape[2] - 5);
            return knownClasses > 0 ? Math.Min(knownClasses, available) : available;
        }
    }

    /// <summary>Floats per candidate row in the <see cref="YoloLayout.RowsWithObjectness"/> layout.</summary>
    public int RowLength => (int)shape[2];

    public ReadOnlySpan<float> Image(int index)
    {
        var size = (int)(shape[1] * shape[2]);
        return Data.Slice(index * size, size);
    }
}
