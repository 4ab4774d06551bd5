using PluginHost.Plugins.OnnxDetector;
using Xunit;

namespace PluginHost.Detector.Tests;

public sealed class YoloDecodingTests
{
    [Fact]
    public void Names_metadata_is_read_from_the_python_dict_literal()
    {
        var names = YoloModel.ParseNames("{0: 'person', 1: \"dog's bed\", 3: 'traffic light'}");

        Assert.Equal(["person", "dog's bed", "2", "traffic light"], names);
    }

    [Fact]
    public void Nms_is_class_wise_and_keeps_the_highest_score()
    {
        var boxes = new List<Detection>
        {
            new(0, 0, 10, 10, 0, 0.6f),
            new(1, 0, 11, 10, 0, 0.9f),  // IoU 0.82 with the first: it wins
            new(0, 0, 10, 10, 1, 0.5f),  // other class: kept
            new(20, 20, 30, 30, 0, 0.4f), // no overlap: kept
        };

        var kept = YoloDecoder.NonMaxSuppression(boxes, 0.45f, 300);

        Assert.Equal([0.9f, 0.5f, 0.4f], kept.Select(k => k.Score));
        Assert.Equal([0, 1, 0], kept.Select(k => k.ClassId));
    }

    [Fact]
    public void Nms_caps_the_number_of_detections()
    {
        var boxes = Enumerable.Range(0, 50).Select(i => new Detection(i * 20, 0, i * 20 + 10, 10, 0, i / 100f)).ToList();

        var kept = YoloDecoder.NonMaxSuppression(boxes, 0.45f, 5);

        Assert.Equal([0.49f, 0.48f, 0.47f, 0.46f, 0.45f], kept.Select(k => k.Score));
    }
}
