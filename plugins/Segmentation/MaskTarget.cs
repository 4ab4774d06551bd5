using PluginHost.Imaging;
using PluginHost.Plugins.Segmentation.Sam;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Plugins.Segmentation;

/// <summary>
/// Where masks go: the config's <c>BrushLabels</c> on an image (SDK RLE at exactly the image's size), or its
/// <c>PolygonLabels</c> when it has no brush (the mask's outline). Maps model or prompt labels to the control's labels
/// (<c>predicted_values</c>, then exact, then case-insensitive).
/// </summary>
internal sealed class MaskTarget
{
    private MaskTarget(ControlTag control, ObjectTag image)
    {
        Control = control;
        Image = image;
    }

    public ControlTag Control { get; }

    public ObjectTag Image { get; }

    public bool IsPolygon => Control.Type == "polygonlabels";

    /// <summary>The mask control for <paramref name="imageName"/> (any image when null).</summary>
    public static MaskTarget Find(LabelConfig config, string? imageName = null)
    {
        foreach (var type in new[] { "BrushLabels", "PolygonLabels" })
        {
            var control = config.FindControl(type, objectType: "Image", toName: imageName);
            if (control is not null) return new MaskTarget(control, control.Objects.First(o => o.Type == "image"));
        }
        throw new LabelConfigException(
            "The label config has no <BrushLabels> (or <PolygonLabels>) control linked to an <Image>" +
            (imageName is null ? "" : $" named '{imageName}'") + ": masks need one.");
    }

    /// <summary>The control's label for a prompt or model label; a leading <c>-</c>/<c>+</c> (negative-click aliases) is ignored.</summary>
    public string? MapLabel(string? label)
    {
        if (label is null) return Control.LabelValues.Count == 1 ? Control.LabelValues[0] : null;
        return Control.LabelMap.Map(label) ?? Control.LabelMap.Map(label.TrimStart('-', '+'));
    }

    /// <param name="score">The region's score; the decoder's IoU estimate when null.</param>
    public Region ToRegion(SamMask mask, string label, double polygonTolerance, double? score = null)
    {
        var size = new ImageSize(mask.Width, mask.Height);
        score = Math.Round(score ?? mask.Score, 4);
        if (!IsPolygon) return Regions.Brush(Control.Name, Image.Name, size, mask.Pixels, [label], score);
        var outline = MaskOutline.Trace(mask.Pixels, mask.Width, mask.Height, polygonTolerance);
        if (outline.Count < 3) throw new InvalidOperationException("The mask has no outline to draw as a polygon.");
        return Regions.Polygon(Control.Name, Image.Name, size, outline.Select(p => (p.X * 100.0 / mask.Width, p.Y * 100.0 / mask.Height)).ToList(), [label], score: score);
    }
}
