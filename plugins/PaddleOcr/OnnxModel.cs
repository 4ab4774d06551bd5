using Microsoft.ML.OnnxRuntime;
using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.PaddleOcr;

/// <summary>One single-input, single-output float model: its session, names and declared output shape.</summary>
internal sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string _input;
    private readonly string _output;

    private OnnxModel(InferenceSession session)
    {
        _session = session;
        _input = session.InputMetadata.Keys.First();
        _output = session.OutputMetadata.Keys.First();
        OutputDimensions = session.OutputMetadata.Values.First().Dimensions;
    }

    public int[] OutputDimensions { get; }

    public static OnnxModel Load(string path, int intraOpThreads)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (intraOpThreads > 0) options.IntraOpNumThreads = intraOpThreads;
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0"); // requests run side by side on few cores
        try
        {
            return new OnnxModel(new InferenceSession(path, options));
        }
        catch (OnnxRuntimeException ex)
        {
            throw new PpOcrUnavailableException($"'{Path.GetFileName(path)}' is not a loadable ONNX model: {ex.Message}", ex);
        }
    }

    /// <summary>Runs <c>[shape]</c> floats and hands the output and its shape to <paramref name="read"/>.</summary>
    public T Run<T>(Memory<float> input, long[] shape, OutputReader<T> read)
    {
        using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, shape);
        using var results = _session.Run(_runOptions, [_input], [tensor], [_output]);
        return read(results[0].GetTensorDataAsSpan<float>(), results[0].GetTensorTypeAndShape().Shape);
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}

/// <summary>Reads an output while it is alive.</summary>
internal delegate T OutputReader<out T>(ReadOnlySpan<float> data, long[] shape);
