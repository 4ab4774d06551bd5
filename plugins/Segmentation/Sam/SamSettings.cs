using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.Segmentation.Sam;

/// <summary>The Segment Anything part of a backend's settings (<c>Backends:&lt;route&gt;:Settings</c>).</summary>
[BackendSettings]
public sealed class SamSettings
{
    /// <summary>The image encoder .onnx (<c>image → image_embeddings</c>): absolute, or relative to MODEL_DIR.</summary>
    public string? EncoderPath { get; set; }

    /// <summary>The prompt decoder .onnx (the segment-anything export: <c>image_embeddings, point_coords, point_labels,
    /// mask_input, has_mask_input, orig_im_size → masks, iou_predictions, low_res_masks</c>).</summary>
    public string? DecoderPath { get; set; }

    /// <summary>The encoder's square input side when its input shape is dynamic (SAM and MobileSAM: 1024).</summary>
    public int InputSize { get; set; } = 1024;

    /// <summary>Mask logits above this are "on" (segment-anything's <c>mask_threshold</c>).</summary>
    public double MaskThreshold { get; set; }

    /// <summary>Image embeddings kept in memory, in megabytes (SAM ViT-B and MobileSAM: 4 MB per image).</summary>
    public int EmbeddingCacheMegabytes { get; set; } = 512;

    /// <summary>Images encoded at once by a batch (prewarm) request; each encoder run uses every core already.</summary>
    public int EncoderConcurrency { get; set; } = 1;

    /// <summary>ONNX Runtime threads per inference call; 0 lets ONNX Runtime choose.</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Polygon output: points closer than this many pixels to the simplified outline are dropped.</summary>
    public double PolygonTolerance { get; set; } = 1.5;

    /// <summary>Larger images are refused (a decompression bomb guard).</summary>
    public long MaxImagePixels { get; set; } = 100_000_000;

    /// <summary>Set from the environment: the Python example's PyTorch checkpoint variables that are set, said when the
    /// ONNX models are missing (internal: never bound from configuration).</summary>
    internal string? PythonCheckpoints { get; set; }
}
