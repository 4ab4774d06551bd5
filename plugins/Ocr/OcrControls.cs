using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Plugins.Ocr;

/// <summary>
/// Which controls of a label config the OCR backend writes to: for an <c>&lt;Image&gt;</c>, the <c>&lt;TextArea&gt;</c>
/// that holds a transcription per region (<c>perRegion="true"</c> first, as Label Studio's OCR template has it), and,
/// for whole-page pre-annotation, the <c>&lt;Rectangle&gt;</c> or <c>&lt;RectangleLabels&gt;</c> that draws the boxes.
/// </summary>
internal static class OcrControls
{
    /// <summary>Region types of a drawn box the backend reads (with or without labels).</summary>
    public static bool IsRectangle(string type) => type is "rectanglelabels" or "rectangle";

    /// <summary>The image object named <paramref name="name"/>, or a clear error.</summary>
    public static ObjectTag Image(LabelConfig config, string name) =>
        config.GetObject(name) is { Type: "image" } image
            ? image
            : throw new LabelConfigException($"The region points at '{name}', which is not an <Image> of the label config.");

    /// <summary>The TextArea linked to <paramref name="image"/>: a per-region one first, else any (as the Python example).</summary>
    public static ControlTag TextAreaFor(LabelConfig config, ObjectTag image)
    {
        ControlTag? any = null;
        foreach (var control in config.Controls)
        {
            if (control.Type != "textarea" || !control.ToNames.Contains(image.Name, StringComparer.Ordinal)) continue;
            if (control.IsPerRegion) return control;
            any ??= control;
        }
        return any ?? throw new LabelConfigException(
            $"The label config has no <TextArea perRegion=\"true\" toName=\"{image.Name}\"> for the recognised text of image '{image.Name}'.");
    }

    /// <summary>One prediction per task from the regions read per (task, page target) — <paramref name="taskOfWork"/>
    /// gives each work item's task index — scored by the mean transcription score; tasks without work get an empty one.</summary>
    public static IReadOnlyList<Prediction> PagePredictions(int taskCount, IReadOnlyList<int> taskOfWork, IReadOnlyList<Region>[] found)
    {
        var predictions = new Prediction[taskCount];
        foreach (var perTask in Enumerable.Range(0, taskOfWork.Count).GroupBy(w => taskOfWork[w]))
        {
            var regions = perTask.SelectMany(w => found[w]).ToList();
            var scores = regions.Where(r => r.Type == "textarea").Select(r => r.Score ?? 0).ToList();
            predictions[perTask.Key] = new Prediction(regions, scores.Count == 0 ? 0 : Math.Round(scores.Average(), 4));
        }
        for (var t = 0; t < predictions.Length; t++) predictions[t] ??= Prediction.Empty();
        return predictions;
    }

    /// <summary>The tag of a control type as a label config writes it (<c>rectanglelabels</c> → <c>&lt;RectangleLabels&gt;</c>).</summary>
    private static string Tag(string type) => type switch
    {
        "rectangle" => "<Rectangle>",
        "rectanglelabels" => "<RectangleLabels>",
        "polygon" => "<Polygon>",
        "polygonlabels" => "<PolygonLabels>",
        _ => $"<{type}>",
    };

    /// <summary>Rectangles only: Tesseract reports axis-aligned boxes.</summary>
    public static readonly string[] RectangleShapes = ["rectangle", "rectanglelabels"];

    /// <summary>Every image the config can pre-annotate whole: it has a TextArea and a shape control, the first of
    /// <paramref name="shapeTypes"/> (control types in order of preference) that it has.</summary>
    public static IReadOnlyList<PageTarget> PageTargets(LabelConfig config, string? preferredLabel, IReadOnlyList<string>? shapeTypes = null)
    {
        shapeTypes ??= RectangleShapes;
        var targets = new List<PageTarget>();
        foreach (var image in config.Objects.Where(o => o.Type == "image"))
        {
            var linked = config.Controls.Where(c => c.ToNames.Contains(image.Name, StringComparer.Ordinal)).ToList();
            if (!linked.Any(c => c.Type == "textarea")) continue;
            // A plain <Rectangle>/<Polygon> needs no label; a *Labels control gets the configured label, a "Text" one, or its first.
            var shape = shapeTypes
                .Select(type => linked.FirstOrDefault(c => c.Type == type && (!type.EndsWith("labels", StringComparison.Ordinal) || c.LabelValues.Count > 0)))
                .FirstOrDefault(c => c is not null);
            if (shape is null) continue;
            string? label = null;
            if (shape.Type.EndsWith("labels", StringComparison.Ordinal))
            {
                label = preferredLabel is not null
                    ? shape.HasLabel(preferredLabel) ? preferredLabel
                        : throw new LabelConfigException($"The BatchLabel setting is '{preferredLabel}', which is not a label of <{shape.Tag} name=\"{shape.Name}\">.")
                    : shape.LabelMap.Map("Text") ?? shape.LabelValues[0];
            }
            targets.Add(new PageTarget(image, shape, TextAreaFor(config, image), label));
        }
        if (targets.Count == 0)
            throw new LabelConfigException(
                $"The label config has no <Image> with both a shape control ({string.Join(" or ", shapeTypes.Select(Tag))}) and a <TextArea perRegion=\"true\">: " +
                "the OCR backend pre-annotates text lines as shapes with their transcription.");
        return targets;
    }
}

/// <summary>An image to OCR whole, the control its boxes go to (with <see cref="Label"/> for RectangleLabels), and
/// the TextArea for their text.</summary>
internal sealed record PageTarget(ObjectTag Image, ControlTag Shape, ControlTag TextArea, string? Label);
