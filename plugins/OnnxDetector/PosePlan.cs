using System.Globalization;
using PluginHost.Imaging;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>
/// <c>KeyPointLabels</c> from a pose model: one region per keypoint whose visibility passes the keypoint threshold,
/// named by the config's labels in order (or by a label's <c>model_index</c>, as the Python example), each linked by
/// <c>parentID</c> to its person's box in the companion <c>RectangleLabels</c> control (when the config has one).
/// </summary>
internal sealed class PosePlan : ControlPlan
{
    private readonly string?[] _pointNames;
    private readonly ControlTag? _boxControl;
    private readonly double _pointThreshold;
    private readonly double _pointSize;

    public PosePlan(ControlTag control, ObjectTag image, YoloModel model, float threshold, ControlTag? boxControl, double pointThreshold)
        : base(control, image, model, threshold)
    {
        _boxControl = boxControl;
        _pointThreshold = pointThreshold;
        _pointSize = control.NumberAttribute("model_point_size") ?? 1;
        _pointNames = new string?[model.Keypoints];
        var labels = control.LabelValues;
        var indexed = labels.Where(l => control.LabelNumberAttribute(l, "model_index") is not null).ToList();
        if (indexed.Count > 0)
        {
            foreach (var label in indexed)
                if (control.LabelNumberAttribute(label, "model_index") is { } i && i >= 0 && i < _pointNames.Length) _pointNames[(int)i] = label;
        }
        else
        {
            for (var i = 0; i < Math.Min(labels.Count, _pointNames.Length); i++) _pointNames[i] = labels[i];
        }
    }

    /// <summary>Keypoint names by index (null: the config names none for it).</summary>
    public IReadOnlyList<string?> PointNames => _pointNames;

    public override IEnumerable<Region> ToRegions(YoloOutputs output, int imageIndex, LetterboxGeometry geometry, DetectorSettings settings)
    {
        // Any detected class is a pose instance (the person); the box control maps its label when there is one.
        var detections = YoloDecoder.Decode(output, imageIndex, Threshold, (float)settings.IouThreshold, settings.MaxDetections, _ => true);
        var image = new ImageSize(geometry.OriginalWidth, geometry.OriginalHeight);
        var values = output.Image(imageIndex);
        var dims = Model.KeypointDims;
        var regions = new List<Region>();
        var instance = 0;
        foreach (var d in detections)
        {
            CheckScore(d.Score, output);
            string? parentId = null;
            if (_boxControl is not null && BoxLabel(d.ClassId) is { } boxLabel && ToPercent(d, geometry, image) is { } box)
            {
                var parent = Regions.Rectangle(_boxControl.Name, ToName, image, box, [boxLabel], score: Round(d.Score));
                parentId = parent.Id;
                regions.Add(parent);
            }
            var group = $"{FromName}-{instance++}";
            for (var k = 0; k < _pointNames.Length; k++)
            {
                if (_pointNames[k] is not { } name) continue;
                var channel = output.ExtraStart + k * dims;
                var visibility = dims == 3 ? output.Value(values, d.Index, channel + 2) : d.Score;
                if (!(visibility >= _pointThreshold)) continue;
                var x = geometry.ToOriginalX(output.Value(values, d.Index, channel));
                var y = geometry.ToOriginalY(output.Value(values, d.Index, channel + 1));
                if (!double.IsFinite(x) || !double.IsFinite(y) || x < 0 || y < 0 || x > image.Width || y > image.Height) continue;
                var point = Regions.KeyPoint(FromName, ToName, image, Math.Round(Percent(x, image.Width), 4), Math.Round(Percent(y, image.Height), 4), [name],
                    pointWidth: Math.Round(_pointSize * 100 / image.Width, 4), score: Round(Math.Clamp(visibility, 0, 1)), parentId: parentId);
                regions.Add(parentId is null ? WithGroup(point, group) : point);
            }
        }
        return regions;
    }

    private string? BoxLabel(int classId)
    {
        var name = classId < Model.ClassNames.Count ? Model.ClassNames[classId] : classId.ToString(CultureInfo.InvariantCulture);
        return _boxControl!.LabelMap.Map(name) ?? (_boxControl.LabelValues.Count == 1 ? _boxControl.LabelValues[0] : null);
    }

    /// <summary>Without a box to hang on, the points of one person share a meta text (as the Python example groups them).</summary>
    private static Region WithGroup(Region r, string group) => new()
    {
        Id = r.Id, FromName = r.FromName, ToName = r.ToName, Type = r.Type, Score = r.Score, Value = r.Value,
        OriginalWidth = r.OriginalWidth, OriginalHeight = r.OriginalHeight, ImageRotation = r.ImageRotation, MetaText = [group],
    };
}
