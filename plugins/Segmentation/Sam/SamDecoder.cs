using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace PluginHost.Plugins.Segmentation.Sam;

/// <summary>
/// The SAM prompt decoder as segment-anything's <c>SamOnnxModel</c> exports it (the Python example's
/// <c>onnxconverter.py</c>; MobileSAM's export is the same): prompts in the encoder's resized frame, masks as logits
/// at the original image size. Light enough to run per click.
/// </summary>
internal sealed class SamDecoder : IDisposable
{
    public const string Expected =
        "inputs image_embeddings [1, 256, 64, 64], point_coords [1, N, 2], point_labels [1, N], mask_input [1, 1, 256, 256], " +
        "has_mask_input [1], orig_im_size [2] (all float) and outputs masks, iou_predictions, low_res_masks";

    private static readonly string[] InputNames = ["image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input", "orig_im_size"];
    private static readonly string[] OutputNames = ["masks", "iou_predictions"];

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _emptyMask;
    private readonly long[] _maskShape;
    private long _runs;

    private SamDecoder(InferenceSession session, string path)
    {
        _session = session;
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        var missing = InputNames.Where(n => !inputs.ContainsKey(n)).ToList();
        if (missing.Count > 0 || inputs.Count != InputNames.Length || OutputNames.Any(n => !outputs.ContainsKey(n))
            || inputs.Values.Any(i => !i.IsTensor || i.ElementDataType != TensorElementType.Float))
            throw new ModelConfigurationException(
                $"The SAM decoder '{path}' has inputs {OnnxModelFile.Describe(inputs)} and outputs {OnnxModelFile.Describe(outputs)}; expected {Expected} " +
                "(export it with segment-anything's SamOnnxModel, see docs/sam.md).");
        var maskDims = inputs["mask_input"].Dimensions;
        _maskShape = maskDims.Length == 4 ? [1, 1, maskDims[2] > 0 ? maskDims[2] : 256, maskDims[3] > 0 ? maskDims[3] : 256] : [1, 1, 256, 256];
        _emptyMask = new float[_maskShape[2] * _maskShape[3]];
    }

    public long Runs => Interlocked.Read(ref _runs);

    public static SamDecoder Load(string path, int intraOpThreads)
    {
        var session = OnnxModelFile.Open(path, "SAM decoder", intraOpThreads);
        try
        {
            return new SamDecoder(session, path);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Decodes one object's mask; the best of several (multimask exports) by predicted IoU.</summary>
    public SamMask Decode(ImageEmbedding embedding, SamPrompt prompt, int encoderSide, float maskThreshold)
    {
        var (width, height) = (embedding.ImageWidth, embedding.ImageHeight);
        var (scaledW, scaledH) = SamEncoder.ScaledSize(width, height, encoderSide);
        var (sx, sy) = ((float)scaledW / width, (float)scaledH / height);
        var count = prompt.Points.Count + (prompt.Box is null ? 1 : 2);
        var coords = new float[count * 2];
        var labels = new float[count];
        var i = 0;
        foreach (var point in prompt.Points)
        {
            coords[2 * i] = (float)point.X * sx;
            coords[2 * i + 1] = (float)point.Y * sy;
            labels[i++] = point.Positive ? 1 : 0;
        }
        if (prompt.Box is { } box)
        {
            (coords[2 * i], coords[2 * i + 1], labels[i]) = ((float)box.X1 * sx, (float)box.Y1 * sy, 2);
            i++;
            (coords[2 * i], coords[2 * i + 1], labels[i]) = ((float)box.X2 * sx, (float)box.Y2 * sy, 3);
        }
        else
        {
            labels[i] = -1; // the padding point segment-anything adds when there is no box
        }

        using var embeddingValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, embedding.Data.AsMemory(), embedding.Shape);
        using var coordsValue = OrtValue.CreateTensorValueFromMemory(coords, [1, count, 2]);
        using var labelsValue = OrtValue.CreateTensorValueFromMemory(labels, [1, count]);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _emptyMask.AsMemory(), _maskShape);
        using var hasMaskValue = OrtValue.CreateTensorValueFromMemory(new float[] { 0 }, [1]);
        using var sizeValue = OrtValue.CreateTensorValueFromMemory(new float[] { height, width }, [2]);
        using var results = _session.Run(_runOptions, InputNames, [embeddingValue, coordsValue, labelsValue, maskValue, hasMaskValue, sizeValue], OutputNames);
        Interlocked.Increment(ref _runs);

        var masks = results[0];
        var shape = masks.GetTensorTypeAndShape().Shape;
        if (shape.Length != 4 || shape[2] != height || shape[3] != width)
            throw new ModelConfigurationException(
                $"The SAM decoder answered masks of shape [{string.Join(", ", shape)}] for a {width}x{height} image; expected [1, K, {height}, {width}] (masks at orig_im_size).");
        var scores = results[1].GetTensorDataAsSpan<float>();
        var best = 0;
        for (var k = 1; k < Math.Min((int)shape[1], scores.Length); k++)
            if (scores[k] > scores[best]) best = k;
        var plane = width * height;
        var logits = masks.GetTensorDataAsSpan<float>().Slice(best * plane, plane);
        var pixels = GC.AllocateUninitializedArray<byte>(plane); // every byte is written below
        var area = MaskThreshold.Apply(logits, maskThreshold, pixels);
        return new SamMask(pixels, width, height, area, scores.Length > 0 ? Math.Clamp(scores[best], 0, 1) : 0);
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
