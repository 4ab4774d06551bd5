namespace PluginHost.Plugins.Segmentation.Sam;

/// <summary>What the encoder made of one image: its embedding tensor and the upright image size it came from.</summary>
internal sealed class ImageEmbedding(float[] data, long[] shape, int imageWidth, int imageHeight)
{
    public float[] Data { get; } = data;

    public long[] Shape { get; } = shape;

    public int ImageWidth { get; } = imageWidth;

    public int ImageHeight { get; } = imageHeight;

    /// <summary>What the entry costs the cache.</summary>
    public long Bytes => (long)Data.Length * sizeof(float) + 64;
}
