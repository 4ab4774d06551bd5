using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.Segmentation.GroundingDino;

/// <summary>The Grounding DINO part of a backend's settings (<c>Backends:&lt;route&gt;:Settings</c>).</summary>
[BackendSettings]
public sealed class GroundingDinoSettings
{
    /// <summary>The Grounding DINO .onnx (image + tokenized caption → logits, boxes): absolute, or relative to MODEL_DIR.</summary>
    public string? DinoModelPath { get; set; }

    /// <summary>The BERT <c>vocab.txt</c> of the text encoder (bert-base-uncased); empty: <c>vocab.txt</c> next to the model.</summary>
    public string? VocabPath { get; set; }

    /// <summary>A box is kept when its best token score passes this (the Python example's <c>BOX_THRESHOLD</c>);
    /// a control's <c>model_score_threshold</c> overrides it.</summary>
    public double BoxThreshold { get; set; } = 0.3;

    /// <summary>A kept box gets the phrase whose best token score passes this (<c>TEXT_THRESHOLD</c>).</summary>
    public double TextThreshold { get; set; } = 0.25;

    /// <summary>Shorter image side for models with dynamic input size (Grounding DINO's 800, longer side at most <see cref="MaxImageSize"/>).</summary>
    public int ImageSize { get; set; } = 800;

    public int MaxImageSize { get; set; } = 1333;

    /// <summary>The text encoder's length limit (Grounding DINO: 256 tokens); longer captions are cut at a phrase.</summary>
    public int MaxTextTokens { get; set; } = 256;

    /// <summary>ONNX Runtime threads per inference call; 0 lets ONNX Runtime choose.</summary>
    public int DinoIntraOpThreads { get; set; }

    /// <summary>Larger images are refused (a decompression bomb guard).</summary>
    public long DinoMaxImagePixels { get; set; } = 100_000_000;

    /// <summary>Set from the environment: the Python example's PyTorch checkpoint variables that are set, said when the
    /// ONNX model is missing (internal: never bound from configuration).</summary>
    internal string? PythonCheckpoints { get; set; }
}
