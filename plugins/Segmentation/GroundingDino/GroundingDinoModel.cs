using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PluginHost.Imaging;

namespace PluginHost.Plugins.Segmentation.GroundingDino;

/// <summary>A detection in pixels of the upright image (corners) with its score and phrase.</summary>
internal readonly record struct GroundedBox(double X1, double Y1, double X2, double Y2, double Score, CaptionPhrase Phrase);

/// <summary>
/// Grounding DINO as its ONNX export takes it: the image (<c>[1, 3, H, W]</c>, ImageNet-normalized) and the caption's
/// <c>input_ids</c>, <c>attention_mask</c>, <c>position_ids</c>, <c>token_type_ids</c> and <c>text_token_mask</c>;
/// out come <c>logits [1, Q, 256]</c> (per query and token) and <c>boxes [1, Q, 4]</c> (cx, cy, w, h in 0–1).
/// </summary>
internal sealed class GroundingDinoModel : IDisposable
{
    public const string Expected =
        "inputs img [1, 3, H, W] float, input_ids [1, T], attention_mask [1, T], position_ids [1, T], token_type_ids [1, T] " +
        "(int64, int32 or bool) and text_token_mask [1, T, T] (bool), and outputs logits [1, Q, 256] and boxes [1, Q, 4]";

    private static readonly string[] TextInputs = ["input_ids", "attention_mask", "position_ids", "token_type_ids", "text_token_mask"];
    private static readonly string[] Outputs = ["logits", "boxes"];

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string _imageInput;
    private readonly Dictionary<string, TensorElementType> _types;
    private readonly (int Width, int Height)? _fixedSize;
    private readonly GroundingDinoSettings _settings;
    private long _runs;

    private GroundingDinoModel(InferenceSession session, string path, GroundingDinoSettings settings)
    {
        _session = session;
        _settings = settings;
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        var image = inputs.Where(i => !TextInputs.Contains(i.Key) && i.Value is { IsTensor: true, ElementDataType: TensorElementType.Float, Dimensions.Length: 4 }).ToList();
        var okTypes = new[] { TensorElementType.Int64, TensorElementType.Int32, TensorElementType.Bool };
        if (image.Count != 1 || inputs.Count != TextInputs.Length + 1 || TextInputs.Any(n => !inputs.TryGetValue(n, out var m) || !okTypes.Contains(m.ElementDataType))
            || Outputs.Any(n => !outputs.ContainsKey(n)))
            throw new ModelConfigurationException(
                $"The Grounding DINO model '{path}' has inputs {OnnxModelFile.Describe(inputs)} and outputs {OnnxModelFile.Describe(outputs)}; expected {Expected} (see docs/sam.md for the export).");
        _imageInput = image[0].Key;
        _types = TextInputs.ToDictionary(n => n, n => inputs[n].ElementDataType);
        var dims = image[0].Value.Dimensions;
        if (dims[2] > 0 && dims[3] > 0) _fixedSize = (dims[3], dims[2]);
    }

    public long Runs => Interlocked.Read(ref _runs);

    public static GroundingDinoModel Load(string path, GroundingDinoSettings settings)
    {
        var session = OnnxModelFile.Open(path, "Grounding DINO", settings.DinoIntraOpThreads);
        try
        {
            return new GroundingDinoModel(session, path, settings);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The model input size for an image: the export's fixed size, else shorter side <see cref="GroundingDinoSettings.ImageSize"/>
    /// with the longer at most <see cref="GroundingDinoSettings.MaxImageSize"/> (Grounding DINO's <c>RandomResize([800], max_size=1333)</c>).</summary>
    public (int Width, int Height) InputSize(int width, int height)
    {
        if (_fixedSize is { } size) return size;
        double shortSide = Math.Min(width, height), longSide = Math.Max(width, height);
        var target = (double)_settings.ImageSize;
        if (longSide / shortSide * target > _settings.MaxImageSize) target = Math.Round(_settings.MaxImageSize * shortSide / longSide);
        return width < height ? ((int)target, (int)(target * height / width)) : ((int)(target * width / height), (int)target);
    }

    /// <summary>Runs the model and returns the boxes whose best caption token passes <paramref name="boxThreshold"/>, each
    /// with the phrase that scores best among those passing <paramref name="textThreshold"/>.</summary>
    public List<GroundedBox> Detect(DecodedImage image, Caption caption, double boxThreshold, double textThreshold)
    {
        var (w, h) = InputSize(image.Width, image.Height);
        var length = 3 * w * h;
        var pixels = ArrayPool<float>.Shared.Rent(length);
        try
        {
            ScaledInput.Write(image, pixels, w, h, w, h);
            var t = caption.Length;
            using var imageValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, pixels.AsMemory(0, length), [1, 3, h, w]);
            using var ids = Tokens("input_ids", caption.Ids, [1, t]);
            using var attention = Tokens("attention_mask", Enumerable.Repeat(1L, t).ToArray(), [1, t]);
            using var positions = Tokens("position_ids", caption.Positions, [1, t]);
            using var types = Tokens("token_type_ids", new long[t], [1, t]);
            using var textMask = Mask("text_token_mask", caption.TextMask, [1, t, t]);
            using var results = _session.Run(_runOptions, [_imageInput, .. TextInputs], [imageValue, ids, attention, positions, types, textMask], Outputs);
            Interlocked.Increment(ref _runs);
            return Decode(results[0], results[1], caption, image.Width, image.Height, boxThreshold, textThreshold);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(pixels);
        }
    }

    private static List<GroundedBox> Decode(OrtValue logitsValue, OrtValue boxesValue, Caption caption, int width, int height, double boxThreshold, double textThreshold)
    {
        var shape = logitsValue.GetTensorTypeAndShape().Shape;
        var boxShape = boxesValue.GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || boxShape.Length != 3 || boxShape[2] != 4 || boxShape[1] != shape[1] || shape[2] < caption.Length)
            throw new ModelConfigurationException(
                $"Grounding DINO answered logits [{string.Join(", ", shape)}] and boxes [{string.Join(", ", boxShape)}]; expected [1, Q, ≥{caption.Length}] and [1, Q, 4].");
        var logits = logitsValue.GetTensorDataAsSpan<float>();
        var boxes = boxesValue.GetTensorDataAsSpan<float>();
        var (queries, stride) = ((int)shape[1], (int)shape[2]);
        // Exports differ: most give raw logits (the Python code applies sigmoid), some probabilities already.
        var raw = false;
        foreach (var v in logits)
        {
            if (v < 0 || v > 1)
            {
                raw = true;
                break;
            }
        }
        var found = new List<GroundedBox>();
        for (var q = 0; q < queries; q++)
        {
            var row = logits.Slice(q * stride, caption.Length);
            var best = 0.0;
            foreach (var v in row) best = Math.Max(best, Probability(v, raw));
            if (!(best > boxThreshold)) continue;
            CaptionPhrase? phrase = null;
            var phraseScore = textThreshold;
            foreach (var p in caption.Phrases)
            {
                for (var i = p.FirstToken; i <= p.LastToken; i++)
                {
                    var s = Probability(row[i], raw);
                    if (s > phraseScore) (phrase, phraseScore) = (p, s);
                }
            }
            if (phrase is null) continue;
            var b = boxes.Slice(q * 4, 4);
            var (cx, cy, bw, bh) = (b[0] * width, b[1] * height, b[2] * width, b[3] * height);
            found.Add(new GroundedBox(cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2, best, phrase));
        }
        found.Sort((a, b) => b.Score.CompareTo(a.Score));
        return found;
    }

    private static double Probability(float value, bool raw) => raw ? 1 / (1 + Math.Exp(-value)) : value;

    private OrtValue Tokens(string name, long[] values, long[] shape) => _types[name] switch
    {
        TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(values, shape),
        TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(values.Select(v => (int)v).ToArray(), shape),
        _ => OrtValue.CreateTensorValueFromMemory(values.Select(v => v != 0).ToArray(), shape),
    };

    private OrtValue Mask(string name, bool[] values, long[] shape) => _types[name] switch
    {
        TensorElementType.Bool => OrtValue.CreateTensorValueFromMemory(values, shape),
        TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(values.Select(v => v ? 1 : 0).ToArray(), shape),
        _ => OrtValue.CreateTensorValueFromMemory(values.Select(v => v ? 1L : 0L).ToArray(), shape),
    };

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
