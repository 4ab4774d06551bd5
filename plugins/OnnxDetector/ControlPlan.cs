using System.Collections.Concurrent;
using System.Globalization;
using PluginHost.Imaging;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>
/// How one control of the label config turns a model's output into regions: which image it annotates, which model and
/// task serve it, its score threshold, and the model-class → config-label map (<c>predicted_values</c> first, then
/// exact and case-insensitive names).
/// </summary>
internal abstract class ControlPlan
{
    private readonly ConcurrentDictionary<int, string?> _labels = new();

    protected ControlPlan(ControlTag control, ObjectTag image, YoloModel model, float threshold)
    {
        Control = control;
        Model = model;
        FromName = control.Name;
        ToName = image.Name;
        ValueKey = image.ValueKey;
        Threshold = threshold;
    }

    public ControlTag Control { get; }

    public YoloModel Model { get; }

    public string FromName { get; }

    public string ToName { get; }

    public string ValueKey { get; }

    public float Threshold { get; }

    /// <summary>The config label for a model class, or null when the config has none (such results are dropped).</summary>
    public string? LabelFor(int classId) => _labels.GetOrAdd(classId, c =>
        Control.LabelMap.Map(c < Model.ClassNames.Count ? Model.ClassNames[c] : c.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The regions this control gets from image <paramref name="image"/> of <paramref name="output"/>.</summary>
    public abstract IEnumerable<Region> ToRegions(YoloOutputs output, int image, LetterboxGeometry geometry, DetectorSettings settings);

    /// <summary>An input-pixel box mapped to percent of the original image, clipped to it; null when nothing is left.</summary>
    protected static (double X, double Y, double Width, double Height)? ToPercent(in Detection d, LetterboxGeometry geometry, ImageSize image)
    {
        var (x1, y1, x2, y2) = (geometry.ToOriginalX(d.X1), geometry.ToOriginalY(d.Y1), geometry.ToOriginalX(d.X2), geometry.ToOriginalY(d.Y2));
        if (!double.IsFinite(x1) || !double.IsFinite(y1) || !double.IsFinite(x2) || !double.IsFinite(y2)) return null;
        var box = image.CornersToPercent(x1, y1, x2, y2);
        return box.Width <= 0 || box.Height <= 0 ? null : box;
    }

    /// <summary>A confidence above 1 means the output was read in the wrong layout.</summary>
    protected static void CheckScore(float score, YoloOutputs output)
    {
        if (score > 1)
            throw new DetectorConfigurationException(
                $"The model gave a confidence of {score} (above 1): its output was probably read in the wrong layout ({output.Layout}). " +
                "Set the detector's OutputFormat setting to yolov8 ([1, 4+C, N]) or yolov5 ([1, N, 5+C]), or give ClassNames.");
    }

    protected static double Round(double value) => Math.Round(value, 4);

    /// <summary>Percent of <paramref name="size"/>, clamped into the image (float drift at the edges).</summary>
    protected static double Percent(double pixels, int size) => Math.Clamp(pixels * 100.0 / size, 0, 100);
}
