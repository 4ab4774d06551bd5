using Microsoft.Extensions.Logging;
using PluginHost.Sdk.LabelConfigs;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary>
/// Reads the label config as the Python <c>yolo</c> example does: every image control picks its task by its tag —
/// <c>RectangleLabels</c> → detection (or oriented boxes from an OBB model or with <c>model_obb="true"</c>),
/// <c>PolygonLabels</c>/<c>BrushLabels</c> → segmentation, <c>KeyPointLabels</c> → pose, <c>Choices</c> →
/// classification — and its model by its <c>model_path</c> attribute, else the backend's settings.
/// <c>model_skip="true"</c> leaves a control out.
/// </summary>
internal static class ControlPlans
{
    public static IReadOnlyList<ControlPlan> From(LabelConfig config, DetectorSettings settings, Func<string?, YoloTask, YoloModel> modelFor, ILogger logger)
    {
        var boxControlsOfPoses = config.Controls
            .Where(c => c.Type == "keypointlabels")
            .Select(c => BoxControlFor(config, c)?.Name)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        var plans = new List<ControlPlan>();
        foreach (var control in config.Controls)
        {
            var image = control.Objects.FirstOrDefault(o => o.Type == "image");
            if (image is null || IsTrue(control.Attribute("model_skip"))) continue;
            var threshold = (float)(control.NumberAttribute("model_score_threshold") ?? control.NumberAttribute("score_threshold") ?? settings.ScoreThreshold);
            var modelPath = control.Attribute("model_path");
            var describe = $"<{control.Tag} name=\"{control.Name}\">";
            YoloModel Model(YoloTask task)
            {
                var model = modelFor(modelPath, task);
                return model.Serves(task) ? model : throw model.WrongTask(task, describe);
            }
            ControlPlan? plan = control.Type switch
            {
                "rectanglelabels" when boxControlsOfPoses.Contains(control.Name) => null, // filled by the pose control
                "rectanglelabels" => RectanglePlan(control, image, threshold, modelPath, modelFor, describe),
                "polygonlabels" => new SegmentPlan(control, image, Model(YoloTask.Segment), threshold, brush: false),
                "brushlabels" => new SegmentPlan(control, image, Model(YoloTask.Segment), threshold, brush: true),
                "keypointlabels" => new PosePlan(control, image, Model(YoloTask.Pose), threshold, BoxControlFor(config, control),
                    control.NumberAttribute("model_point_threshold") ?? settings.KeypointThreshold),
                "choices" => new ChoicesPlan(control, image, Model(YoloTask.Classify), threshold),
                _ => null,
            };
            if (plan is null) continue;
            WarnWhenNoClassMatches(plan, logger);
            plans.Add(plan);
        }
        if (plans.Count == 0)
            throw new LabelConfigException(
                "The label config has no control this backend predicts on an <Image>: RectangleLabels (detection, oriented boxes), " +
                "PolygonLabels or BrushLabels (segmentation), KeyPointLabels (pose) or Choices (classification).");
        return plans;
    }

    private static ControlPlan RectanglePlan(ControlTag control, ObjectTag image, float threshold, string? modelPath,
        Func<string?, YoloTask, YoloModel> modelFor, string describe)
    {
        var wantsObb = IsTrue(control.Attribute("model_obb"));
        var model = modelFor(modelPath, wantsObb ? YoloTask.Obb : YoloTask.Detect);
        if (model.Task == YoloTask.Obb) return new OrientedBoxPlan(control, image, model, threshold);
        if (wantsObb) throw model.WrongTask(YoloTask.Obb, describe + " with model_obb=\"true\"");
        return model.Serves(YoloTask.Detect) ? new BoxPlan(control, image, model, threshold) : throw model.WrongTask(YoloTask.Detect, describe);
    }

    /// <summary>The <c>RectangleLabels</c> a pose control's boxes go to: its <c>model_bbox_control</c> attribute, else
    /// the control named <c>&lt;name&gt;_bbox</c> (the Python example's convention), on the same image.</summary>
    private static ControlTag? BoxControlFor(LabelConfig config, ControlTag keypoints)
    {
        var name = keypoints.Attribute("model_bbox_control") ?? keypoints.Name + "_bbox";
        return config.GetControl(name) is { Type: "rectanglelabels" } box && box.ToNames.Intersect(keypoints.ToNames).Any() ? box : null;
    }

    private static void WarnWhenNoClassMatches(ControlPlan plan, ILogger logger)
    {
        if (plan is PosePlan) return; // keypoint names come from the labels' order
        var names = plan.Model.ClassNames;
        if (names.Count > 0 && !Enumerable.Range(0, names.Count).Any(c => plan.LabelFor(c) is not null))
            logger.LogWarning("None of the model's classes ({Names}) matches a label of control '{Control}'; add predicted_values to its labels",
                string.Join(", ", names.Take(10)), plan.FromName);
    }

    private static bool IsTrue(string? value) => value?.Trim().ToLowerInvariant() is "1" or "true" or "yes";
}
