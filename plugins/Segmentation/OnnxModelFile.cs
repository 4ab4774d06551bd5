using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace PluginHost.Plugins.Segmentation;

/// <summary>Opens ONNX models once per backend and describes their signatures for error messages.</summary>
internal static class OnnxModelFile
{
    /// <summary>Opens <paramref name="path"/> as an <see cref="InferenceSession"/> shared by every request (Run is thread-safe).</summary>
    public static InferenceSession Open(string path, string role, int intraOpThreads)
    {
        if (!File.Exists(path)) throw new ModelConfigurationException($"The {role} model file '{path}' does not exist.");
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (intraOpThreads > 0) options.IntraOpNumThreads = intraOpThreads;
        // Annotators click concurrently on few cores: idle spinning threads would only steal CPU from each other.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelConfigurationException($"The {role} model file '{path}' is not a loadable ONNX model: {ex.Message}", ex);
        }
    }

    /// <summary><c>name [1, 3, -1, -1] Float, …</c>: what a model really has, for "expected … but found …" messages.</summary>
    public static string Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        nodes.Count == 0 ? "(none)" : string.Join(", ", nodes.Select(n => $"{n.Key} [{string.Join(", ", n.Value.Dimensions)}] {n.Value.ElementDataType}"));

    /// <summary>The file's name and a hash prefix of its bytes: a new model file is a new model version.</summary>
    public static string Version(string path)
    {
        using var stream = File.OpenRead(path);
        return $"{Path.GetFileNameWithoutExtension(path)}-{Convert.ToHexStringLower(SHA256.HashData(stream))[..8]}";
    }
}
