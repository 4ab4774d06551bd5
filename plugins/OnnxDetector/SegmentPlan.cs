using PluginHost.Imaging;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary><c>PolygonLabels</c> or <c>BrushLabels</c> from a segmentation model: each kept box's mask, as the outline
/// polygon of its largest part (percent) or as the whole mask in Label Studio's brush RLE.</summary>
internal sealed class SegmentPlan(ControlTag control, ObjectTag image, YoloModel model, float threshold, bool brush)
    : ControlPlan(control, image, model, threshold)
{
    public override IEnumerable<Region> ToRegions(YoloOutputs output, int imageIndex, LetterboxGeometry geometry, DetectorSettings settings)
    {
        var detections = YoloDecoder.Decode(output, imageIndex, Threshold, (float)settings.IouThreshold, settings.MaxDetections, c => LabelFor(c) is not null);
        var image = new ImageSize(geometry.OriginalWidth, geometry.OriginalHeight);
        var regions = new List<Region>(detections.Count);
        foreach (var d in detections)
        {
            CheckScore(d.Score, output);
            var mask = InstanceMask.Decode(output, imageIndex, d, Model.InputWidth, Model.InputHeight);
            if (mask.IsEmpty) continue;
            var label = LabelFor(d.ClassId)!;
            if (brush)
            {
                regions.Add(Regions.Brush(FromName, ToName, image, mask.ToOriginal(geometry), [label], Round(d.Score)));
                continue;
            }
            var outline = mask.Outline(geometry, settings.PolygonTolerance);
            if (outline.Count < 3) continue;
            var points = outline.Select(p => (Math.Round(Percent(p.X, image.Width), 4), Math.Round(Percent(p.Y, image.Height), 4))).ToList();
            regions.Add(Regions.Polygon(FromName, ToName, image, points, [label], score: Round(d.Score)));
        }
        return regions;
    }
}
