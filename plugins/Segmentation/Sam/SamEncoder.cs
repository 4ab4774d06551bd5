using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PluginHost.Imaging;

namespace PluginHost.Plugins.Segmentation.Sam;

/// <summary>
/// The SAM image encoder (SAM ViT-B/L/H, MobileSAM: same interface): one float input <c>[1, 3, S, S]</c> holding the
/// image resized so its longest side is S, normalized with SAM's pixel mean and std and padded bottom/right with 0;
/// one output <c>image_embeddings</c> (<c>[1, 256, 64, 64]</c> for S = 1024).
/// </summary>
internal sealed class SamEncoder : IDisposable
{
    public const string Expected = "one float input [1, 3, S, S] (the image, longest side resized to S, SAM-normalized, padded) and an output 'image_embeddings'";

    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly RunOptions _runOptions = new();
    private long _runs;

    private SamEncoder(InferenceSession session, string path, int fallbackSize)
    {
        _session = session;
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        if (inputs.Count != 1 || inputs.First().Value is not { IsTensor: true, ElementDataType: TensorElementType.Float, Dimensions: { Length: 4 } dims } || (dims[1] > 0 && dims[1] != 3))
            throw Wrong(path, inputs, outputs);
        _inputName = inputs.First().Key;
        _outputName = outputs.ContainsKey("image_embeddings") ? "image_embeddings"
            : outputs.Count == 1 ? outputs.First().Key
            : throw Wrong(path, inputs, outputs);
        if (dims[2] > 0 && dims[3] > 0 && dims[2] != dims[3]) throw Wrong(path, inputs, outputs);
        InputSize = dims[2] > 0 ? dims[2] : dims[3] > 0 ? dims[3] : fallbackSize;
    }

    /// <summary>The side S of the square input: images are resized so their longest side is S.</summary>
    public int InputSize { get; }

    /// <summary>Encoder runs so far (each one is a cache miss or a prewarm).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    public static SamEncoder Load(string path, int fallbackSize, int intraOpThreads)
    {
        var session = OnnxModelFile.Open(path, "SAM encoder", intraOpThreads);
        try
        {
            return new SamEncoder(session, path, fallbackSize);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The size an image of <paramref name="width"/>×<paramref name="height"/> is resized to (segment-anything's
    /// <c>ResizeLongestSide.get_preprocess_shape</c>).</summary>
    public static (int Width, int Height) ScaledSize(int width, int height, int side)
    {
        var scale = (double)side / Math.Max(width, height);
        return ((int)(width * scale + 0.5), (int)(height * scale + 0.5));
    }

    public ImageEmbedding Encode(DecodedImage image)
    {
        var side = InputSize;
        var (scaledW, scaledH) = ScaledSize(image.Width, image.Height, side);
        var length = 3 * side * side;
        var buffer = ArrayPool<float>.Shared.Rent(length);
        try
        {
            // segment-anything's pixel_mean/pixel_std are ImageNet's in the 0–255 scale.
            ScaledInput.Write(image, buffer, scaledW, scaledH, side, side);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, length), [1, 3, side, side]);
            using var results = _session.Run(_runOptions, [_inputName], [input], [_outputName]);
            Interlocked.Increment(ref _runs);
            var output = results[0];
            var shape = output.GetTensorTypeAndShape().Shape;
            return new ImageEmbedding(output.GetTensorDataAsSpan<float>().ToArray(), shape, image.Width, image.Height);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private static ModelConfigurationException Wrong(string path, IReadOnlyDictionary<string, NodeMetadata> inputs, IReadOnlyDictionary<string, NodeMetadata> outputs) =>
        new($"The SAM encoder '{path}' has inputs {OnnxModelFile.Describe(inputs)} and outputs {OnnxModelFile.Describe(outputs)}; expected {Expected} (export the image encoder of SAM or MobileSAM, see docs/sam.md).");
}
