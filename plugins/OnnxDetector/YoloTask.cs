namespace PluginHost.Plugins.OnnxDetector;

/// <summary>The Ultralytics task a model was exported for (its <c>task</c> metadata), and what its outputs look like.</summary>
internal enum YoloTask
{
    /// <summary>Axis-aligned boxes: <c>[B, 4+C, N]</c> (v8/11) or <c>[B, N, 5+C]</c> (v5).</summary>
    Detect,

    /// <summary>Oriented boxes: <c>[B, 4+C+1, N]</c>, the last channel the angle in radians.</summary>
    Obb,

    /// <summary>Instance segmentation: boxes with 32 mask coefficients, and <c>[B, 32, H/4, W/4]</c> prototypes.</summary>
    Segment,

    /// <summary>Pose: boxes with K keypoints of (x, y, visibility): <c>[B, 4+C+3K, N]</c>.</summary>
    Pose,

    /// <summary>Whole-image classification: <c>[B, C]</c> probabilities.</summary>
    Classify,
}

/// <summary>Names and expected layouts of the tasks, for configuration and error messages.</summary>
internal static class YoloTasks
{
    /// <summary>Ultralytics' name of the task (the <c>task</c> metadata of an export).</summary>
    public static string Name(this YoloTask task) => task switch
    {
        YoloTask.Detect => "detect",
        YoloTask.Obb => "obb",
        YoloTask.Segment => "segment",
        YoloTask.Pose => "pose",
        _ => "classify",
    };

    public static YoloTask? Parse(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "detect" or "detection" => YoloTask.Detect,
        "obb" => YoloTask.Obb,
        "segment" or "segmentation" or "seg" => YoloTask.Segment,
        "pose" or "keypoints" => YoloTask.Pose,
        "classify" or "classification" or "cls" => YoloTask.Classify,
        _ => null,
    };

    /// <summary>What an export for the task outputs, as the error for a model that does not fit says it.</summary>
    public static string ExpectedLayout(this YoloTask task) => task switch
    {
        YoloTask.Detect => "a YOLO detection model: output [batch, 4+C, N] (YOLOv8/11) or [batch, N, 5+C] (YOLOv5)",
        YoloTask.Obb => "a YOLO oriented-box model (yolo11n-obb): output [batch, 4+C+1, N] — cx, cy, w, h, C class scores, angle",
        YoloTask.Segment => "a YOLO segmentation model (yolo11n-seg): output0 [batch, 4+C+32, N] and output1 [batch, 32, H/4, W/4] mask prototypes",
        YoloTask.Pose => "a YOLO pose model (yolo11n-pose): output [batch, 4+C+K*3, N] with kpt_shape metadata [K, 3]",
        _ => "a YOLO classification model (yolo11n-cls): output [batch, C] class probabilities",
    };
}
