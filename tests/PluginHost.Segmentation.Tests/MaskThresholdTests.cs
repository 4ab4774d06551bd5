using PluginHost.Plugins.Segmentation.Sam;
using Xunit;

namespace PluginHost.Segmentation.Tests;

public sealed class MaskThresholdTests
{
    [Theory]
    [InlineData(1, 0f)]
    [InlineData(31, 0f)]
    [InlineData(1280 * 3 + 17, 0f)]
    [InlineData(4099, 0.5f)]
    public void Vectorized_threshold_gives_each_pixel_and_the_area_as_a_plain_loop_does(int length, float threshold)
    {
        var random = new Random(length);
        var logits = Enumerable.Range(0, length).Select(_ => (random.NextSingle() - 0.5f) * 4).ToArray();
        logits[0] = threshold; // not above: off
        if (length > 5) (logits[3], logits[4], logits[5]) = (float.NaN, float.PositiveInfinity, float.NegativeInfinity);
        var pixels = Enumerable.Repeat((byte)7, length).ToArray(); // stale bytes must all be overwritten

        var area = MaskThreshold.Apply(logits, threshold, pixels);

        var expected = logits.Select(v => v > threshold ? (byte)255 : (byte)0).ToArray();
        Assert.Equal(expected, pixels);
        Assert.Equal(expected.Count(p => p == 255), area);
        Assert.InRange(area, length / 4, length); // a real mix, not all off
    }
}
