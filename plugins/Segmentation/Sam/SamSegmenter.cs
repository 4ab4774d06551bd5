using System.Diagnostics;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Segmentation.Sam;

/// <summary>
/// Segment Anything for one backend: the encoder and decoder sessions, loaded once, and the embedding cache that
/// makes every click after the first on an image cost only the decoder.
/// </summary>
internal sealed class SamSegmenter : IDisposable
{
    private readonly SamEncoder _encoder;
    private readonly SamDecoder _decoder;
    private readonly ITaskDataResolver _data;
    private readonly SamSettings _settings;
    private readonly SegmentationMetrics _metrics;

    private SamSegmenter(SamEncoder encoder, SamDecoder decoder, ITaskDataResolver data, SamSettings settings, SegmentationMetrics metrics, string version)
    {
        _encoder = encoder;
        _decoder = decoder;
        _data = data;
        _settings = settings;
        _metrics = metrics;
        Version = version;
        Cache = new EmbeddingCache(Math.Max(0, settings.EmbeddingCacheMegabytes) * 1024L * 1024L);
    }

    public EmbeddingCache Cache { get; }

    public string Version { get; }

    public long EncoderRuns => _encoder.Runs;

    public long DecoderRuns => _decoder.Runs;

    public int EncoderInputSize => _encoder.InputSize;

    /// <summary>Loads both models from settings; throws <see cref="ModelConfigurationException"/> naming what is wrong.</summary>
    public static SamSegmenter Load(SamSettings settings, BackendEnvironment environment, ITaskDataResolver data, SegmentationMetrics metrics)
    {
        if (string.IsNullOrWhiteSpace(settings.EncoderPath) || string.IsNullOrWhiteSpace(settings.DecoderPath))
            throw new ModelConfigurationException(
                $"The {environment.Name} backend needs Segment Anything models: set Settings.EncoderPath and Settings.DecoderPath to the exported " +
                $".onnx files (absolute, or relative to MODEL_DIR '{environment.ModelDirectory}'); see docs/sam.md." + settings.PythonCheckpoints);
        var encoderPath = environment.ResolvePath(settings.EncoderPath);
        var decoderPath = environment.ResolvePath(settings.DecoderPath);
        var encoder = SamEncoder.Load(encoderPath, settings.InputSize, settings.IntraOpThreads);
        try
        {
            var decoder = SamDecoder.Load(decoderPath, settings.IntraOpThreads);
            var version = $"{OnnxModelFile.Version(encoderPath)}+{OnnxModelFile.Version(decoderPath)}";
            return new SamSegmenter(encoder, decoder, data, settings, metrics, version);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>The embedding of a task's image: from the cache, else fetched, decoded and encoded once.</summary>
    public async ValueTask<(ImageEmbedding Embedding, bool Hit)> EmbedAsync(string imageValue, long taskId, ProjectRef project, CancellationToken cancellationToken)
    {
        var result = await Cache.GetOrAddAsync(imageValue, ct => EncodeAsync(imageValue, taskId, project, ct), cancellationToken).ConfigureAwait(false);
        _metrics.CacheLookup(result.Hit);
        return result;
    }

    private async Task<ImageEmbedding> EncodeAsync(string imageValue, long taskId, ProjectRef project, CancellationToken cancellationToken)
    {
        var path = await _data.GetLocalPathAsync(imageValue, taskId, project, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        using (var image = ScaledInput.Load(path, _settings.MaxImagePixels, taskId, imageValue))
        {
            var embedding = _encoder.Encode(image);
            _metrics.Encoded(Stopwatch.GetElapsedTime(started));
            return embedding;
        }
    }

    public SamMask Segment(ImageEmbedding embedding, SamPrompt prompt)
    {
        var started = Stopwatch.GetTimestamp();
        var mask = _decoder.Decode(embedding, prompt, _encoder.InputSize, (float)_settings.MaskThreshold);
        _metrics.Decoded(Stopwatch.GetElapsedTime(started));
        return mask;
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _decoder.Dispose();
        Cache.Clear();
    }
}
