using System.Diagnostics.Metrics;

namespace PluginHost.Plugins.Segmentation;

/// <summary>The <c>PluginHost.Sam</c> meter: encoder and decoder runs and times, embedding-cache hits and size,
/// Grounding DINO runs; every measurement tagged with the backend's route.</summary>
internal sealed class SegmentationMetrics : IDisposable
{
    public const string MeterName = "PluginHost.Sam";

    private readonly Meter _meter = new(MeterName);
    private readonly KeyValuePair<string, object?> _backend;
    private readonly Histogram<double> _encoder;
    private readonly Histogram<double> _decoder;
    private readonly Histogram<double> _detector;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;

    public SegmentationMetrics(string backend, Func<long>? cacheBytes = null)
    {
        _backend = new("backend", backend);
        _encoder = _meter.CreateHistogram<double>("pluginhost.sam.encoder.duration", "ms", "SAM image encoder runs (cache misses and prewarm)");
        _decoder = _meter.CreateHistogram<double>("pluginhost.sam.decoder.duration", "ms", "SAM prompt decoder runs (one per click or box)");
        _detector = _meter.CreateHistogram<double>("pluginhost.groundingdino.duration", "ms", "Grounding DINO runs (one per image and caption)");
        _cacheHits = _meter.CreateCounter<long>("pluginhost.sam.embedding_cache.hits", description: "clicks answered from a cached image embedding");
        _cacheMisses = _meter.CreateCounter<long>("pluginhost.sam.embedding_cache.misses", description: "clicks that needed the encoder");
        if (cacheBytes is not null)
            _meter.CreateObservableGauge("pluginhost.sam.embedding_cache.size", () => new Measurement<long>(cacheBytes(), _backend), "By", "bytes of cached embeddings");
    }

    public void Encoded(TimeSpan elapsed) => _encoder.Record(elapsed.TotalMilliseconds, _backend);

    public void Decoded(TimeSpan elapsed) => _decoder.Record(elapsed.TotalMilliseconds, _backend);

    public void Detected(TimeSpan elapsed) => _detector.Record(elapsed.TotalMilliseconds, _backend);

    public void CacheLookup(bool hit)
    {
        if (hit) _cacheHits.Add(1, _backend);
        else _cacheMisses.Add(1, _backend);
    }

    public void Dispose() => _meter.Dispose();
}
