using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.Backends;
using PluginHost.Invocation;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Tests.Invocation;

public sealed class PredictionValidationStepTests : IDisposable
{
    private const string Ner = """
        <View><Labels name="label" toName="text"><Label value="PER"/><Label value="ORG"/></Labels><Text name="text" value="$text"/></View>
        """;

    private readonly InvokerKit _kit = new(configuration: new Dictionary<string, string?> { ["Backends:strict:StrictPredictions"] = "true" });

    public void Dispose() => _kit.Dispose();

    private static Region Span(string label, int start = 0, int end = 3, string fromName = "label") => new()
    {
        Id = Guid.NewGuid().ToString("N")[..10],
        FromName = fromName,
        ToName = "text",
        Type = "labels",
        Value = new RegionValue { Start = start, End = end, Text = "abc", LabelsKey = "labels", Labels = [label] },
    };

    [Fact]
    public async Task Invalid_regions_are_dropped_counted_and_named_in_warnings_and_the_batch_is_answered()
    {
        using var invalid = new InvalidRegionCounter();
        var logger = new CountingLogger();
        var invoker = _kit.Invoker(new PredictionValidationStep(_kit.PredictOptions, logger));
        var good = Span("PER");
        var generation = _kit.Publish(_ =>
        [
            new Prediction([good, Span("CITY"), Span("ORG", start: -4), Span("PER", fromName: "nope")]),
            new Prediction([Span("ORG")]),
        ]);

        var (predictions, warnings) = await invoker.PredictAsync(generation, InvokerKit.Input(2, Ner), PredictPurpose.Request, CancellationToken.None);
        // Twice: counted every time, logged once per backend and reason.
        await invoker.PredictAsync(generation, InvokerKit.Input(2, Ner), PredictPurpose.Request, CancellationToken.None);

        Assert.Same(good, Assert.Single(predictions[0].Result));
        Assert.Single(predictions[1].Result);
        var warning = Assert.Single(warnings!);
        Assert.StartsWith("Prediction 0: dropped 3 region(s) Label Studio would reject: Region 1: 'CITY' is not a label of control 'label'", warning);
        Assert.Equal(2, invalid.Of(InvokerKit.Backend, "unknown_label"));
        Assert.Equal(2, invalid.Of(InvokerKit.Backend, "out_of_range"));
        Assert.Equal(2, invalid.Of(InvokerKit.Backend, "unknown_control"));
        Assert.Equal(3, logger.Warnings);
    }

    [Fact]
    public async Task A_strict_backend_answers_500_naming_the_invalid_region()
    {
        var invoker = _kit.Invoker(new PredictionValidationStep(_kit.PredictOptions, NullLogger<PredictionValidationStep>.Instance));
        var strict = _kit.Publish(_ => [new Prediction([Span("PER")]), new Prediction([Span("PER"), Span("CITY")])], "strict");

        var error = await Assert.ThrowsAsync<BackendContractException>(async () =>
            await invoker.PredictAsync(strict, InvokerKit.Input(2, Ner), PredictPurpose.Request, CancellationToken.None));

        Assert.Equal("Prediction 1 of backend 'strict' is invalid for the project's label config (StrictPredictions): "
            + "Region 1: 'CITY' is not a label of control 'label'; valid labels are: 'PER', 'ORG'.", error.Message);
    }

    [Fact]
    public async Task Without_a_label_config_and_for_jobs_predictions_pass_through_untouched()
    {
        var invoker = _kit.Invoker(new PredictionValidationStep(_kit.PredictOptions, NullLogger<PredictionValidationStep>.Instance));
        var answer = new Prediction([Span("CITY")]);
        var generation = _kit.Publish(_ => [answer]);

        var (unchecked_, none) = await invoker.PredictAsync(generation, InvokerKit.Input(1), PredictPurpose.Request, CancellationToken.None);
        var (forJob, _) = await invoker.PredictAsync(generation, InvokerKit.Input(1, Ner), PredictPurpose.Job, CancellationToken.None);

        Assert.Same(answer, unchecked_[0]);
        Assert.Null(none);
        // Jobs sanitize with the same rules where they import, counting drops per job.
        Assert.Same(answer, forJob[0]);
    }

    [Theory]
    [InlineData("Region 0: missing required field 'from_name'.", "missing_field")]
    [InlineData("Region 0: 'to_name' 'img' is not linked to control 'label'; it is linked to: 'text'.", "not_linked")]
    [InlineData("Region 0: type 'choices' does not match the control 'label' (Labels); expected type 'labels'.", "type_mismatch")]
    [InlineData("Region 0: 'to_name' 'img' not found in the label config; objects are: 'text'.", "unknown_object")]
    [InlineData("Region 0: value.x 120 is out of bounds [0, 100] (percent of the original image).", "out_of_range")]
    [InlineData("Region 0: score must be between 0 and 1, not 2.", "score")]
    [InlineData("Relation 2: 'to_id' 'x' does not match the id of a valid region in this prediction.", "relation")]
    [InlineData("Region 0: value.rle must be a list.", "malformed")]
    public void Reasons_are_a_few_stable_words(string error, string reason) => Assert.Equal(reason, InvalidRegionReasons.Of(error));

    /// <summary>Reads <c>pluginhost.predict.invalid_regions</c> as an exporter would.</summary>
    private sealed class InvalidRegionCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<(string, string), long> _counts = [];

        public InvalidRegionCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "pluginhost.predict.invalid_regions") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? backend = null, reason = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "backend") backend = (string?)tag.Value;
                    if (tag.Key == "reason") reason = (string?)tag.Value;
                }
                lock (_counts) _counts[(backend!, reason!)] = _counts.GetValueOrDefault((backend!, reason!)) + value;
            });
            _listener.Start();
        }

        public long Of(string backend, string reason)
        {
            lock (_counts) return _counts.GetValueOrDefault((backend, reason));
        }

        public void Dispose() => _listener.Dispose();
    }

    private sealed class CountingLogger : ILogger<PredictionValidationStep>
    {
        private int _warnings;

        public int Warnings => _warnings;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning) Interlocked.Increment(ref _warnings);
        }
    }
}
