using Microsoft.ML.OnnxRuntime;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>
/// The outputs of one inference call, alive until disposed, read per image: the box (or class) tensor in its layout,
/// the class count, where a candidate's extra channels (mask coefficients, keypoints, angle) start, and a
/// segmentation model's mask prototypes. Checked against the model's task on the concrete shapes.
/// </summary>
internal sealed class YoloOutputs : IDisposable
{
    private readonly IDisposableReadOnlyCollection<OrtValue> _results;
    private readonly long[] _shape;
    private readonly long[] _protoShape = [];

    public YoloOutputs(IDisposableReadOnlyCollection<OrtValue> results, YoloModel model)
    {
        _results = results;
        _shape = results[0].GetTensorTypeAndShape().Shape;
        var actual = $"output [{string.Join(", ", _shape)}]";
        switch (model.Task)
        {
            case YoloTask.Classify:
                if (_shape.Length != 2) throw model.WrongLayout(actual);
                Classes = (int)_shape[1];
                return;
            case YoloTask.Segment:
                if (results.Count < 2) throw model.WrongLayout(actual);
                _protoShape = results[1].GetTensorTypeAndShape().Shape;
                if (_shape.Length != 3 || _protoShape.Length != 4) throw model.WrongLayout($"{actual} and prototypes [{string.Join(", ", _protoShape)}]");
                MaskChannels = (int)_protoShape[1];
                Layout = model.ResolveLayout(_shape, MaskChannels);
                Classes = ChannelsAfterBox - MaskChannels;
                break;
            case YoloTask.Pose:
                if (_shape.Length != 3) throw model.WrongLayout(actual);
                Classes = ChannelsAfterBox - model.Keypoints * model.KeypointDims;
                break;
            case YoloTask.Obb:
                if (_shape.Length != 3) throw model.WrongLayout(actual);
                Classes = ChannelsAfterBox - 1;
                break;
            default:
                if (_shape.Length != 3) throw model.WrongLayout(actual);
                Layout = model.ResolveLayout(_shape, 0);
                // Known names decide the class count: channels past them (another head's extras) are ignored.
                Classes = model.ClassNames.Count > 0 ? Math.Min(model.ClassNames.Count, ChannelsAfterBox) : ChannelsAfterBox;
                break;
        }
        if (Classes <= 0) throw model.WrongLayout(actual);
    }

    public YoloLayout Layout { get; } = YoloLayout.ChannelsFirst;

    public int Batch => (int)_shape[0];

    /// <summary>Candidate boxes per image (0 for classification).</summary>
    public int Candidates => _shape.Length != 3 ? 0 : (int)(Layout == YoloLayout.ChannelsFirst ? _shape[2] : _shape[1]);

    /// <summary>Classes the model scores.</summary>
    public int Classes { get; }

    /// <summary>Floats per candidate row in the <see cref="YoloLayout.RowsWithObjectness"/> layout.</summary>
    public int RowLength => (int)_shape[^1];

    /// <summary>The channel where a candidate's extras (mask coefficients, keypoints, angle) begin.</summary>
    public int ExtraStart => (Layout == YoloLayout.ChannelsFirst ? 4 : 5) + Classes;

    /// <summary>Mask prototypes per image (segmentation), and their size.</summary>
    public int MaskChannels { get; }

    public int ProtoHeight => _protoShape.Length == 4 ? (int)_protoShape[2] : 0;

    public int ProtoWidth => _protoShape.Length == 4 ? (int)_protoShape[3] : 0;

    private int ChannelsAfterBox => (int)(Layout == YoloLayout.ChannelsFirst ? _shape[1] - 4 : _shape[2] - 5);

    /// <summary>One image's box (or class) tensor.</summary>
    public ReadOnlySpan<float> Image(int index)
    {
        var size = (int)(_shape.Length == 3 ? _shape[1] * _shape[2] : _shape[1]);
        return _results[0].GetTensorDataAsSpan<float>().Slice(index * size, size);
    }

    /// <summary>One image's mask prototypes, <c>[MaskChannels, ProtoHeight, ProtoWidth]</c>.</summary>
    public ReadOnlySpan<float> Protos(int index)
    {
        var size = MaskChannels * ProtoHeight * ProtoWidth;
        return _results[1].GetTensorDataAsSpan<float>().Slice(index * size, size);
    }

    /// <summary>Channel <paramref name="channel"/> of candidate <paramref name="candidate"/> in one image's tensor.</summary>
    public float Value(ReadOnlySpan<float> image, int candidate, int channel) =>
        Layout == YoloLayout.ChannelsFirst ? image[channel * Candidates + candidate] : image[candidate * RowLength + channel];

    public void Dispose() => _results.Dispose();
}
