using System.Diagnostics;
using Microsoft.ML.Tokenizers;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Segmentation.GroundingDino;

/// <summary>Grounding DINO for one backend: the model and its BERT tokenizer, loaded once; fetches and decodes task images.</summary>
internal sealed class GroundingDinoDetector : IDisposable
{
    private readonly GroundingDinoModel _model;
    private readonly BertTokenizer _tokenizer;
    private readonly ITaskDataResolver _data;
    private readonly GroundingDinoSettings _settings;
    private readonly SegmentationMetrics _metrics;

    private GroundingDinoDetector(GroundingDinoModel model, BertTokenizer tokenizer, ITaskDataResolver data, GroundingDinoSettings settings, SegmentationMetrics metrics, string version)
    {
        _model = model;
        _tokenizer = tokenizer;
        _data = data;
        _settings = settings;
        _metrics = metrics;
        Version = version;
    }

    public string Version { get; }

    public long Runs => _model.Runs;

    public GroundingDinoSettings Settings => _settings;

    public static GroundingDinoDetector Load(GroundingDinoSettings settings, BackendEnvironment environment, ITaskDataResolver data, SegmentationMetrics metrics)
    {
        if (string.IsNullOrWhiteSpace(settings.DinoModelPath))
            throw new ModelConfigurationException(
                $"The {environment.Name} backend needs a Grounding DINO model: set Settings.DinoModelPath to the exported .onnx file (absolute, or relative " +
                $"to MODEL_DIR '{environment.ModelDirectory}') with the text encoder's vocab.txt beside it (or Settings.VocabPath); see docs/sam.md." +
                settings.PythonCheckpoints);
        if (settings.BoxThreshold is < 0 or > 1 || settings.TextThreshold is < 0 or > 1)
            throw new ModelConfigurationException($"BoxThreshold ({settings.BoxThreshold}) and TextThreshold ({settings.TextThreshold}) must be from 0 to 1.");
        var modelPath = environment.ResolvePath(settings.DinoModelPath);
        var vocabPath = string.IsNullOrWhiteSpace(settings.VocabPath)
            ? Path.Combine(Path.GetDirectoryName(modelPath) ?? ".", "vocab.txt")
            : environment.ResolvePath(settings.VocabPath);
        if (!File.Exists(vocabPath))
            throw new ModelConfigurationException($"The Grounding DINO vocabulary '{vocabPath}' does not exist: put the text encoder's vocab.txt (bert-base-uncased) next to the model or set Settings.VocabPath.");
        BertTokenizer tokenizer;
        try
        {
            tokenizer = BertTokenizer.Create(vocabPath, new BertOptions { LowerCaseBeforeTokenization = true });
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or IOException)
        {
            throw new ModelConfigurationException($"The Grounding DINO vocabulary '{vocabPath}' is not a BERT vocab.txt: {ex.Message}", ex);
        }
        var model = GroundingDinoModel.Load(modelPath, settings);
        return new GroundingDinoDetector(model, tokenizer, data, settings, metrics, OnnxModelFile.Version(modelPath));
    }

    public Caption Caption(IReadOnlyList<(string Text, string? Label)> phrases) => GroundingDino.Caption.Build(_tokenizer, phrases, _settings.MaxTextTokens);

    /// <summary>Boxes for <paramref name="caption"/> on a task's image, in pixels of the upright image, and its size.</summary>
    public async Task<(List<GroundedBox> Boxes, int Width, int Height)> DetectAsync(string imageValue, long taskId, ProjectRef project, Caption caption,
        DinoThresholds thresholds, CancellationToken cancellationToken)
    {
        var path = await _data.GetLocalPathAsync(imageValue, taskId, project, cancellationToken).ConfigureAwait(false);
        using (var image = ScaledInput.Load(path, _settings.DinoMaxImagePixels, taskId, imageValue))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            var boxes = _model.Detect(image, caption, thresholds.Box, thresholds.Text);
            _metrics.Detected(Stopwatch.GetElapsedTime(started));
            return (boxes, image.Width, image.Height);
        }
    }

    public void Dispose() => _model.Dispose();
}
