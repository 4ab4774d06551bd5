namespace PluginHost.Imaging;

/// <summary>How 8-bit pixels become the floats a model reads: <c>(value/255 − mean) / std</c> per channel, in RGB or BGR plane order. <see cref="Mean"/> and <see cref="Std"/> are in plane order.</summary>
public sealed record ChannelNormalization(float[] Mean, float[] Std, bool Bgr = false)
{
    /// <summary>RGB in [0, 1] (YOLO exports).</summary>
    public static ChannelNormalization Unit { get; } = new([0, 0, 0], [1, 1, 1]);

    /// <summary>ImageNet mean and standard deviation, RGB (SAM, Grounding DINO, most torchvision backbones).</summary>
    public static ChannelNormalization ImageNet { get; } = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);

    /// <summary>Per-plane 256-entry tables: byte value → normalized float.</summary>
    internal float[][] Tables() => [.. Enumerable.Range(0, 3).Select(c =>
        Enumerable.Range(0, 256).Select(v => (v / 255f - Mean[c]) / Std[c]).ToArray())];
}
