using System.Text.Json;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;

namespace PluginHost.Plugins.TextClassifier;

/// <summary>
/// A loaded classifier version: thread-safe. Each request rents one <see cref="PredictionEngine{TSrc,TDst}"/> (not
/// thread-safe itself) from a pool and scores its tasks with it, or (batch mode) transforms them all at once.
/// Disposed by the host once the version was replaced and its last request finished.
/// </summary>
public sealed class TextClassifierModel : IDisposable
{
    private readonly MLContext _ml;
    private readonly ITransformer _transformer;
    private readonly ObjectPool<Scorer>? _pool;

    internal TextClassifierModel(MLContext ml, ITransformer transformer, ClassifierMetadata metadata, int poolSize = 0)
    {
        _ml = ml;
        _transformer = transformer;
        Metadata = metadata;
        if (metadata.ModelLabels.Count > 0)
        {
            var provider = new DefaultObjectPoolProvider { MaximumRetained = poolSize > 0 ? poolSize : Environment.ProcessorCount * 2 };
            _pool = provider.Create(new ScorerPolicy(ml, transformer));
        }
    }

    public ClassifierMetadata Metadata { get; }

    public static TextClassifierModel Load(string directory)
    {
        var metadataPath = Path.Combine(directory, TextClassifierTrainer.MetadataFile);
        var metadata = JsonSerializer.Deserialize(File.ReadAllBytes(metadataPath), ClassifierJson.Default.ClassifierMetadata)
            ?? throw new InvalidDataException($"{metadataPath} is empty.");
        var ml = new MLContext(seed: 1);
        var transformer = ml.Model.Load(Path.Combine(directory, TextClassifierTrainer.ModelFile), out _);
        return new TextClassifierModel(ml, transformer, metadata);
    }

    /// <summary>Probabilities per <see cref="ClassifierMetadata.ModelLabels"/> for each text, through one pooled engine.</summary>
    public float[][] ScorePooled(IReadOnlyList<string> texts)
    {
        var results = new float[texts.Count][];
        if (_pool is null)
        {
            Array.Fill(results, []);
            return results;
        }
        var scorer = _pool.Get();
        try
        {
            for (var i = 0; i < texts.Count; i++) results[i] = scorer.Score(Truncate(texts[i]));
        }
        finally
        {
            _pool.Return(scorer);
        }
        return results;
    }

    /// <summary>The same through one <c>Transform</c> over all texts.</summary>
    public float[][] ScoreBatch(IReadOnlyList<string> texts)
    {
        if (_pool is null) return texts.Select(_ => Array.Empty<float>()).ToArray();
        var data = _ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = Truncate(t) }));
        return _ml.Data.CreateEnumerable<ScoresRow>(_transformer.Transform(data), reuseRowObject: false)
            .Select(r => r.Probabilities)
            .ToArray();
    }

    private string Truncate(string text) => TextClassifierTrainer.Truncate(text, Metadata.MaxTextLength);

    public void Dispose() => (_pool as IDisposable)?.Dispose();

    /// <summary>An engine with its reusable input and output rows.</summary>
    private sealed class Scorer(PredictionEngine<TextRow, ScoresRow> engine) : IDisposable
    {
        private readonly TextRow _input = new();
        private ScoresRow _output = new();

        public float[] Score(string text)
        {
            _input.Text = text;
            engine.Predict(_input, ref _output);
            // The engine reuses the output buffer: hand out a copy.
            return _output.Probabilities.ToArray();
        }

        public void Dispose() => engine.Dispose();
    }

    private sealed class ScorerPolicy(MLContext ml, ITransformer transformer) : PooledObjectPolicy<Scorer>
    {
        public override Scorer Create() => new(ml.Model.CreatePredictionEngine<TextRow, ScoresRow>(transformer));

        public override bool Return(Scorer obj) => true;
    }
}
