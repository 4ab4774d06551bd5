using PluginHost.Imaging;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary><c>RectangleLabels</c>: boxes from a detection (or segmentation/pose) model, class-wise NMS.</summary>
internal sealed class BoxPlan(ControlTag control, ObjectTag image, YoloModel model, float threshold) : ControlPlan(control, image, model, threshold)
{
    public override IEnumerable<Region> ToRegions(YoloOutputs output, int imageIndex, LetterboxGeometry geometry, DetectorSettings settings)
    {
        var detections = YoloDecoder.Decode(output, imageIndex, Threshold, (float)settings.IouThreshold, settings.MaxDetections, c => LabelFor(c) is not null);
        var image = new ImageSize(geometry.OriginalWidth, geometry.OriginalHeight);
        var regions = new List<Region>(detections.Count);
        foreach (var d in detections)
        {
            CheckScore(d.Score, output);
            if (ToPercent(d, geometry, image) is not { } box) continue;
            regions.Add(Regions.Rectangle(FromName, ToName, image, box, [LabelFor(d.ClassId)!], score: Round(d.Score)));
        }
        return regions;
    }
}
