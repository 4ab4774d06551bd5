using PluginHost.Imaging;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary><c>RectangleLabels</c> from an oriented-box (OBB) model: rotated rectangles, Label Studio's way — the
/// corner the width starts at, width and height in percent of the image's width and height, rotation in degrees
/// clockwise about that corner.</summary>
internal sealed class OrientedBoxPlan(ControlTag control, ObjectTag image, YoloModel model, float threshold) : ControlPlan(control, image, model, threshold)
{
    public override IEnumerable<Region> ToRegions(YoloOutputs output, int imageIndex, LetterboxGeometry geometry, DetectorSettings settings)
    {
        var boxes = ObbDecoder.Decode(output, imageIndex, Threshold, (float)settings.IouThreshold, settings.MaxDetections, c => LabelFor(c) is not null);
        var image = new ImageSize(geometry.OriginalWidth, geometry.OriginalHeight);
        var regions = new List<Region>(boxes.Count);
        foreach (var b in boxes)
        {
            CheckScore(b.Score, output);
            var corner = b.Corners()[0];
            var (x, y) = (geometry.ToOriginalX(corner.X), geometry.ToOriginalY(corner.Y));
            var (w, h) = (b.W / geometry.Gain, b.H / geometry.Gain); // the letterbox scales both axes alike
            if (!double.IsFinite(x) || !double.IsFinite(y) || !(w > 0) || !(h > 0)) continue;
            var rotation = Math.Round(b.Angle * 180 / Math.PI, 4) % 360;
            regions.Add(Regions.Rectangle(FromName, ToName, image, Percent(x, image.Width), Percent(y, image.Height),
                Math.Min(100, w * 100 / image.Width), Math.Min(100, h * 100 / image.Height), [LabelFor(b.ClassId)!], rotation, Round(b.Score)));
        }
        return regions;
    }
}
