using PluginHost.Plugins.Ocr.Tesseract;
using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.Ocr;

/// <summary>What batch pre-annotation (no interactive context) produces.</summary>
public enum OcrBatchMode
{
    /// <summary>One box and transcription per text line.</summary>
    Lines,

    /// <summary>One box and transcription per word.</summary>
    Words,

    /// <summary>No whole-page OCR: batch requests get an empty prediction per task.</summary>
    Off,
}

/// <summary>The <c>ocr</c> backend's settings: <c>Backends:ocr:Settings</c> in appsettings.json.</summary>
[BackendSettings]
public sealed class OcrSettings
{
    /// <summary>Tesseract language(s), e.g. <c>eng</c> or <c>eng+deu</c>; each needs its <c>.traineddata</c>.</summary>
    public string Language { get; set; } = "eng";

    /// <summary>The folder of the <c>.traineddata</c> files; empty: <c>TESSDATA_PREFIX</c>, then the system's folder.
    /// Relative paths resolve against MODEL_DIR, then the plugin folder.</summary>
    public string? TessdataPath { get; set; }

    /// <summary>How a drawn box is read (Tesseract's <c>--psm</c>); 6, one block of text, as the Python example.</summary>
    public PageSegMode PageSegMode { get; set; } = PageSegMode.SingleBlock;

    /// <summary>How a whole page is read in batch mode; 3, automatic layout analysis.</summary>
    public PageSegMode BatchPageSegMode { get; set; } = PageSegMode.Auto;

    public OcrBatchMode BatchMode { get; set; } = OcrBatchMode.Lines;

    /// <summary>Batch lines or words below this confidence (0–1) are left out: mostly specks and graphics.</summary>
    public double BatchMinConfidence { get; set; } = 0.3;

    /// <summary>The <c>RectangleLabels</c> label of batch boxes; empty: a label named like "Text", else the first.</summary>
    public string? BatchLabel { get; set; }

    /// <summary>Tesseract engines (one recognition each at a time). Each holds its language data (tens of MB).</summary>
    public int MaxConcurrency { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Pixels of background added around a drawn box: Tesseract misreads text touching the image edge.</summary>
    public int CropPadding { get; set; } = 10;

    /// <summary>Larger images are refused (a decompression bomb guard).</summary>
    public long MaxImagePixels { get; set; } = 100_000_000;

    /// <summary>Decoded images kept for the next box on the same image, in megapixels (one byte each); 0 keeps none.</summary>
    public int DecodedImageCacheMegapixels { get; set; } = 64;

    /// <summary>OpenMP threads per recognition (<c>OMP_THREAD_LIMIT</c>, set before libtesseract loads unless the
    /// environment has it; process-wide). 1 is fastest when requests run side by side; 0 leaves OpenMP alone.</summary>
    public int OpenMpThreadLimit { get; set; } = 1;

    /// <summary>Tesseract variables set on every engine, e.g. <c>tessedit_char_whitelist</c>.</summary>
    public Dictionary<string, string> Variables { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Throws <see cref="OcrConfigurationException"/> naming the first bad setting.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Language) || Language.Split('+').Any(l => l.Trim().Length == 0 || l.Trim().IndexOfAny(['/', '\\', '.']) >= 0))
            throw new OcrConfigurationException($"Setting 'Language' is '{Language}'; expected Tesseract language codes such as eng or eng+deu.");
        if (!Enum.IsDefined(PageSegMode)) throw Bad(nameof(PageSegMode), PageSegMode, "0–13");
        if (PageSegMode is PageSegMode.OsdOnly) throw Bad(nameof(PageSegMode), PageSegMode, "a mode that recognises text (not 0, OSD only)");
        if (!Enum.IsDefined(BatchPageSegMode) || BatchPageSegMode is PageSegMode.OsdOnly) throw Bad(nameof(BatchPageSegMode), BatchPageSegMode, "1–13");
        if (!Enum.IsDefined(BatchMode)) throw Bad(nameof(BatchMode), BatchMode, "Lines, Words or Off");
        if (BatchMinConfidence is < 0 or > 1 || double.IsNaN(BatchMinConfidence)) throw Bad(nameof(BatchMinConfidence), BatchMinConfidence, "0–1");
        if (MaxConcurrency is < 1 or > 256) throw Bad(nameof(MaxConcurrency), MaxConcurrency, "1–256");
        if (CropPadding is < 0 or > 1000) throw Bad(nameof(CropPadding), CropPadding, "0–1000");
        if (MaxImagePixels < 1) throw Bad(nameof(MaxImagePixels), MaxImagePixels, "a positive number of pixels");
        if (DecodedImageCacheMegapixels is < 0 or > 100_000) throw Bad(nameof(DecodedImageCacheMegapixels), DecodedImageCacheMegapixels, "0–100000");
        if (OpenMpThreadLimit is < 0 or > 1024) throw Bad(nameof(OpenMpThreadLimit), OpenMpThreadLimit, "0–1024");
    }

    private static OcrConfigurationException Bad(string name, object value, string expected) =>
        new($"Setting '{name}' is '{value}'; expected {expected}.");
}
