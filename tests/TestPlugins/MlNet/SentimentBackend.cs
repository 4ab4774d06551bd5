using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using Microsoft.ML.Data;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Predictions;

namespace PluginHost.TestPlugins.MlNet;

/// <summary>
/// A positive/negative text classifier trained on start (a few dozen sentences, well under a second): bag of words
/// and n-grams plus LDA topics (native code) into a maximum-entropy SDCA. Predicts the <c>sentiment</c> choice.
/// </summary>
public sealed class SentimentBackend : ILabelStudioBackend, IDisposable
{
    private readonly ObjectPool<PredictionEngine<Sentence, SentimentPrediction>> _engines;

    public SentimentBackend(ILogger<SentimentBackend> logger)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(TrainingSet.Sentences());
        var pipeline = ml.Transforms.Text.NormalizeText("Normalized", nameof(Sentence.Text))
            .Append(ml.Transforms.Text.TokenizeIntoWords("Tokens", "Normalized"))
            .Append(ml.Transforms.Conversion.MapValueToKey("TokenKeys", "Tokens"))
            .Append(ml.Transforms.Text.ProduceNgrams("Counts", "TokenKeys", ngramLength: 1))
            .Append(ml.Transforms.Text.LatentDirichletAllocation("Topics", "Counts", numberOfTopics: 3, maximumNumberOfIterations: 20))
            .Append(ml.Transforms.Text.FeaturizeText("Words", nameof(Sentence.Text)))
            .Append(ml.Transforms.Concatenate("Features", "Words", "Topics"))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", nameof(Sentence.Sentiment)))
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy())
            .Append(ml.Transforms.Conversion.MapKeyToValue(nameof(SentimentPrediction.PredictedSentiment), "PredictedLabel"));
        var model = pipeline.Fit(data);
        // PredictionEngine is not thread-safe: one per concurrent request, pooled.
        _engines = new DefaultObjectPoolProvider().Create(new EnginePolicy(ml, model));
        logger.LogInformation("Sentiment model trained on {Count} sentences", TrainingSet.Sentences().Count());
    }

    public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        var engine = _engines.Get();
        try
        {
            var predictions = context.Tasks.Select(task =>
            {
                var output = engine.Predict(new Sentence { Text = task.GetData("text") ?? "" });
                var score = output.Score.Length > 0 ? output.Score.Max() : 0;
                return new Prediction([Regions.Choices("sentiment", "text", [output.PredictedSentiment], score)], score);
            }).ToList();
            return ValueTask.FromResult<IReadOnlyList<Prediction>>(predictions);
        }
        finally
        {
            _engines.Return(engine);
        }
    }

    public void Dispose() => (_engines as IDisposable)?.Dispose();

    private sealed class EnginePolicy(MLContext ml, ITransformer model) : PooledObjectPolicy<PredictionEngine<Sentence, SentimentPrediction>>
    {
        public override PredictionEngine<Sentence, SentimentPrediction> Create() => ml.Model.CreatePredictionEngine<Sentence, SentimentPrediction>(model);

        public override bool Return(PredictionEngine<Sentence, SentimentPrediction> obj) => true;
    }
}

public sealed class Sentence
{
    public string Text { get; set; } = "";

    public string Sentiment { get; set; } = "";
}

public sealed class SentimentPrediction
{
    public string PredictedSentiment { get; set; } = "";

    public float[] Score { get; set; } = [];
}

internal static class TrainingSet
{
    private static readonly string[] Positive =
    [
        "I love this phone, it is great", "What a wonderful day", "The food was excellent and tasty", "Great service, very happy",
        "Absolutely fantastic experience", "I am happy with the result", "Lovely staff and a great room", "This is the best movie ever",
        "Superb quality, I recommend it", "Very good value and nice design", "The team did an amazing job", "Pleasant, friendly and fast",
    ];

    private static readonly string[] Negative =
    [
        "I hate this phone, it is awful", "What a terrible day", "The food was bad and cold", "Horrible service, very angry",
        "Absolutely dreadful experience", "I am unhappy with the result", "Rude staff and a dirty room", "This is the worst movie ever",
        "Poor quality, avoid it", "Very bad value and ugly design", "The team did a lousy job", "Slow, unfriendly and broken",
    ];

    public static IEnumerable<Sentence> Sentences() =>
        Positive.Select(t => new Sentence { Text = t, Sentiment = "Positive" })
            .Concat(Negative.Select(t => new Sentence { Text = t, Sentiment = "Negative" }));
}
