namespace PluginHost.Plugins.TextClassifier;

/// <summary>
/// A text as hashed n-gram counts, L2-normalised: words are runs of letters and digits, lower-cased and stripped of
/// Latin accents; each word n-gram (1..<c>wordNgrams</c>) and, optionally, each character <c>charNgrams</c>-gram
/// inside words is hashed with 32-bit FNV-1a (stable across processes and machines). No vocabulary pass is needed,
/// which is what makes a retrain fast; collisions among 2³² buckets are negligible.
/// </summary>
internal static class NgramFeatures
{
    private const uint Offset = 2166136261, Prime = 16777619;

    public static (uint[] Hashes, float[] Values) Of(string text, int wordNgrams, int charNgrams, int maxLength)
    {
        if (maxLength > 0 && text.Length > maxLength) text = text[..maxLength];
        var counts = new Dictionary<uint, float>(Math.Min(4096, text.Length / 2 + 16));
        Span<uint> window = stackalloc uint[Math.Clamp(wordNgrams, 1, 8)];
        var filled = 0;
        var word = new System.Text.StringBuilder(32);
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? Normalize(text[i]) : ' ';
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
                continue;
            }
            if (word.Length == 0) continue;
            var hash = Hash(word, Offset);
            if (charNgrams > 0) AddCharNgrams(word, charNgrams, counts);
            word.Clear();
            // Shift the window of the last n word hashes and count every n-gram ending here.
            for (var k = window.Length - 1; k > 0; k--) window[k] = window[k - 1];
            window[0] = hash;
            filled = Math.Min(filled + 1, window.Length);
            var gram = Offset;
            for (var n = 0; n < filled; n++)
            {
                gram = n == 0 ? window[0] : (gram ^ window[n]) * Prime ^ (uint)n;
                Add(counts, gram);
            }
        }
        var hashes = new uint[counts.Count];
        var values = new float[counts.Count];
        var squared = 0.0;
        var j = 0;
        foreach (var (key, count) in counts)
        {
            hashes[j] = key;
            values[j++] = count;
            squared += count * count;
        }
        var norm = (float)Math.Sqrt(squared);
        if (norm > 0) for (var k = 0; k < values.Length; k++) values[k] /= norm;
        return (hashes, values);
    }

    private static void AddCharNgrams(System.Text.StringBuilder word, int n, Dictionary<uint, float> counts)
    {
        // Marked so a character gram never equals a word hash of the same letters.
        for (var start = 0; start + n <= word.Length; start++)
        {
            var hash = Offset ^ 0x9E3779B9;
            for (var k = start; k < start + n; k++) hash = (hash ^ word[k]) * Prime;
            Add(counts, hash);
        }
    }

    private static uint Hash(System.Text.StringBuilder word, uint seed)
    {
        var hash = seed;
        foreach (var chunk in word.GetChunks())
            foreach (var c in chunk.Span) hash = (hash ^ c) * Prime;
        return hash;
    }

    private static void Add(Dictionary<uint, float> counts, uint key)
    {
        ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, key, out _);
        count++;
    }

    private static char Normalize(char c) => char.ToLowerInvariant(Text.LatinLetters.Unaccent(c));
}
