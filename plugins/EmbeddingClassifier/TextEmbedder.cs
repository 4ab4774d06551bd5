using PluginHost.Plugins.EmbeddingClassifier.MiniLm;

namespace PluginHost.Plugins.EmbeddingClassifier;

/// <summary>The encoder behind the cache: a call embeds only the distinct texts the cache does not hold, in one batched pass.</summary>
internal sealed class TextEmbedder(SentenceEncoder encoder, EmbeddingCache cache)
{
    public string Identity => encoder.Identity;

    public EmbeddingCache Cache => cache;

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new float[texts.Count][];
        var keys = new UInt128[texts.Count];
        var missing = new Dictionary<UInt128, List<int>>();
        for (var i = 0; i < texts.Count; i++)
        {
            keys[i] = EmbeddingCache.KeyOf(texts[i]);
            if (cache.TryGet(keys[i], out var cached)) vectors[i] = cached;
            else if (missing.TryGetValue(keys[i], out var same)) same.Add(i);
            else missing[keys[i]] = [i];
        }
        if (missing.Count == 0) return vectors;
        var firsts = missing.Values.Select(list => list[0]).ToList();
        var encoded = await encoder.EncodeAsync(firsts.Select(i => texts[i]).ToList(), cancellationToken).ConfigureAwait(false);
        for (var m = 0; m < firsts.Count; m++)
        {
            var key = keys[firsts[m]];
            cache.Add(key, encoded[m]);
            foreach (var i in missing[key]) vectors[i] = encoded[m];
        }
        return vectors;
    }
}
