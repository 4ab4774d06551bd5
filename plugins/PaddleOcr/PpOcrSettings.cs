using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.PaddleOcr;

/// <summary>The <c>ppocr</c> backend's settings: <c>Backends:ppocr:Settings</c> in appsettings.json. Defaults are
/// PaddleOCR's own (<c>det_db_thresh</c> 0.3, <c>det_db_box_thresh</c> 0.6, <c>det_db_unclip_ratio</c> 1.5,
/// <c>det_limit_side_len</c> 960, <c>drop_score</c> 0.5, <c>cls_thresh</c> 0.9).</summary>
[BackendSettings]
public sealed class PpOcrSettings
{
    /// <summary>The folder of <c>ch_PP-OCRv4_det_infer.onnx</c>, <c>ch_PP-OCRv4_rec_infer.onnx</c>,
    /// <c>ch_ppocr_mobile_v2.0_cls_infer.onnx</c> and <c>ppocr_keys_v1.txt</c>: relative to MODEL_DIR, then to the
    /// plugin folder (where the build puts the npm package's files).</summary>
    public string ModelDirectory { get; set; } = "models";

    /// <summary>Pages are scaled down so that their longer side is at most this (multiples of 32) for detection.</summary>
    public int DetectionMaxSide { get; set; } = 960;

    /// <summary>Text-probability cut for the binary map.</summary>
    public double DetectionThreshold { get; set; } = 0.3;

    /// <summary>A text box whose mean probability is below this is dropped.</summary>
    public double BoxThreshold { get; set; } = 0.6;

    /// <summary>How far a detected box is grown (DB shrinks text regions in training): area × ratio / perimeter.</summary>
    public double UnclipRatio { get; set; } = 1.5;

    /// <summary>Text lines read upside down are turned (direction classifier, 0° or 180°).</summary>
    public bool UseDirectionClassifier { get; set; } = true;

    /// <summary>Lines recognised with a lower mean character probability are left out of batch results.</summary>
    public double DropScore { get; set; } = 0.5;

    /// <summary>Whole-page results as <c>polygon</c> (four-point quads) or <c>rectangle</c> (rotated boxes); <c>auto</c>
    /// takes whichever the label config has, polygons first.</summary>
    public string Shape { get; set; } = "auto";

    /// <summary>Pages (or drawn boxes) processed at once per request.</summary>
    public int MaxConcurrency { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Text lines recognised per ONNX Runtime call.</summary>
    public int RecognitionBatch { get; set; } = 6;

    /// <summary>ONNX Runtime threads per inference call; 0 lets ONNX Runtime choose.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Larger images are refused (a decompression bomb guard).</summary>
    public long MaxImagePixels { get; set; } = 100_000_000;

    /// <summary>Throws <see cref="PpOcrUnavailableException"/> naming the first bad setting.</summary>
    internal void Validate()
    {
        if (DetectionMaxSide is < 32 or > 8192) throw Bad(nameof(DetectionMaxSide), DetectionMaxSide, "32–8192");
        foreach (var (name, value) in new[] { (nameof(DetectionThreshold), DetectionThreshold), (nameof(BoxThreshold), BoxThreshold), (nameof(DropScore), DropScore) })
            if (value is < 0 or > 1 || double.IsNaN(value)) throw Bad(name, value, "0–1");
        if (UnclipRatio is < 0 or > 10 || double.IsNaN(UnclipRatio)) throw Bad(nameof(UnclipRatio), UnclipRatio, "0–10");
        if (Shape is not ("auto" or "polygon" or "rectangle")) throw Bad(nameof(Shape), Shape, "auto, polygon or rectangle");
        if (MaxConcurrency is < 1 or > 256) throw Bad(nameof(MaxConcurrency), MaxConcurrency, "1–256");
        if (RecognitionBatch is < 1 or > 256) throw Bad(nameof(RecognitionBatch), RecognitionBatch, "1–256");
        if (IntraOpThreads is < 0 or > 256) throw Bad(nameof(IntraOpThreads), IntraOpThreads, "0–256");
        if (MaxImagePixels < 1) throw Bad(nameof(MaxImagePixels), MaxImagePixels, "a positive number of pixels");
    }

    private static PpOcrUnavailableException Bad(string name, object value, string expected) =>
        new($"Setting '{name}' is '{value}'; expected {expected}.");
}
