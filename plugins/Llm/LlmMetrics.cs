using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PluginHost.Plugins.Llm;

/// <summary>
/// Token usage, cost and calls on the meter <c>PluginHost.Llm</c> (exported with every <c>PluginHost*</c> meter),
/// tagged with the backend and the model. Cost is the token counts times the configured prices.
/// </summary>
internal sealed class LlmMetrics : IDisposable
{
    public const string MeterName = "PluginHost.Llm";

    private readonly Meter _meter = new(MeterName, "1.0");
    private readonly Counter<long> _inputTokens;
    private readonly Counter<long> _outputTokens;
    private readonly Counter<double> _cost;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;
    private readonly KeyValuePair<string, object?> _backend;
    private readonly KeyValuePair<string, object?> _model;
    private readonly double _inputPrice;
    private readonly double _outputPrice;

    public LlmMetrics(string backend, string model, LlmSettings settings)
    {
        _backend = new("backend", backend);
        _model = new("model", model);
        _inputPrice = settings.InputCostPerMillionTokens / 1_000_000;
        _outputPrice = settings.OutputCostPerMillionTokens / 1_000_000;
        _inputTokens = _meter.CreateCounter<long>("pluginhost.llm.tokens.input", "{token}", "Prompt tokens the provider counted.");
        _outputTokens = _meter.CreateCounter<long>("pluginhost.llm.tokens.output", "{token}", "Answer tokens the provider counted.");
        _cost = _meter.CreateCounter<double>("pluginhost.llm.cost", "USD", "Tokens times the configured prices per million tokens.");
        _calls = _meter.CreateCounter<long>("pluginhost.llm.calls", "{call}", "Tasks sent to the provider, by outcome.");
        _duration = _meter.CreateHistogram<double>("pluginhost.llm.call.duration", "s", "Time per task, retries and tool calls included.");
    }

    public void RecordCall(long? inputTokens, long? outputTokens, TimeSpan elapsed, string outcome)
    {
        var tags = new TagList { _backend, _model };
        if (inputTokens is > 0) _inputTokens.Add(inputTokens.Value, tags);
        if (outputTokens is > 0) _outputTokens.Add(outputTokens.Value, tags);
        var cost = (inputTokens ?? 0) * _inputPrice + (outputTokens ?? 0) * _outputPrice;
        if (cost > 0) _cost.Add(cost, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
        tags.Add("outcome", outcome);
        _calls.Add(1, tags);
    }

    public void Dispose() => _meter.Dispose();
}
