namespace PluginHost.Plugins.Ner.Tagging;

/// <summary>
/// Finds the best tag sequence under the tag scheme's constraints: maximises
/// Σ log P(tagᵢ | tokenᵢ) + weight · Σ log T(tagᵢ₋₁ → tagᵢ), where forbidden transitions (I-X after O, …) score −∞.
/// The per-token classifier cannot see its neighbours' tags, so this is what turns its output into valid entities.
/// </summary>
public sealed class ViterbiDecoder
{
    private readonly TagSet _tags;
    private readonly float[] _start;       // [K]
    private readonly float[] _transition;  // [K*K], row = previous
    private readonly float[] _end;         // [K]

    /// <param name="tags">The tag set whose constraints are enforced.</param>
    /// <param name="transitions">Learned transitions (or null for constraints only).</param>
    /// <param name="transitionWeight">How much the learned transition scores count next to the classifier.</param>
    public ViterbiDecoder(TagSet tags, TransitionTable? transitions = null, float transitionWeight = 1f)
    {
        _tags = tags;
        var k = tags.Count;
        _start = new float[k];
        _end = new float[k];
        _transition = new float[k * k];
        for (var next = 0; next < k; next++)
        {
            _start[next] = tags.IsAllowed(-1, next) ? transitionWeight * (transitions?.StartLog[next] ?? 0f) : float.NegativeInfinity;
            _end[next] = tags.IsAllowedEnd(next) ? 0f : float.NegativeInfinity;
            for (var previous = 0; previous < k; previous++)
                _transition[previous * k + next] = tags.IsAllowed(previous, next)
                    ? transitionWeight * (transitions?.Log[previous * k + next] ?? 0f)
                    : float.NegativeInfinity;
        }
    }

    /// <summary>
    /// Decodes one sequence. <paramref name="logEmissions"/> holds <c>n × K</c> log-probabilities, row per token.
    /// </summary>
    public int[] Decode(ReadOnlySpan<float> logEmissions, int n)
    {
        var k = _tags.Count;
        if (logEmissions.Length != n * k) throw new ArgumentException($"Expected {n}×{k} emissions, got {logEmissions.Length}.", nameof(logEmissions));
        if (n == 0) return [];
        var score = new float[n * k];
        var back = new int[n * k];
        for (var tag = 0; tag < k; tag++)
            score[tag] = _start[tag] + logEmissions[tag];
        for (var t = 1; t < n; t++)
        {
            var row = t * k;
            var previousRow = row - k;
            for (var next = 0; next < k; next++)
            {
                var best = float.NegativeInfinity;
                var bestPrevious = 0;
                for (var previous = 0; previous < k; previous++)
                {
                    var candidate = score[previousRow + previous] + _transition[previous * k + next];
                    if (candidate > best)
                    {
                        best = candidate;
                        bestPrevious = previous;
                    }
                }
                score[row + next] = best + logEmissions[row + next];
                back[row + next] = bestPrevious;
            }
        }
        var lastRow = (n - 1) * k;
        var bestLast = TagSet.Outside;
        var bestScore = float.NegativeInfinity;
        for (var tag = 0; tag < k; tag++)
        {
            var candidate = score[lastRow + tag] + _end[tag];
            if (candidate > bestScore)
            {
                bestScore = candidate;
                bestLast = tag;
            }
        }
        var path = new int[n];
        path[n - 1] = bestLast;
        for (var t = n - 1; t > 0; t--) path[t - 1] = back[t * k + path[t]];
        return path;
    }

    /// <summary>The classifier's own best tag per token, ignoring constraints (kept to measure what Viterbi buys).</summary>
    public static int[] Greedy(ReadOnlySpan<float> logEmissions, int n, int k)
    {
        var path = new int[n];
        for (var t = 0; t < n; t++)
        {
            var row = logEmissions.Slice(t * k, k);
            var best = 0;
            for (var tag = 1; tag < k; tag++)
                if (row[tag] > row[best]) best = tag;
            path[t] = best;
        }
        return path;
    }
}

/// <summary>Log-probabilities of tag transitions counted on the training sequences (add-one smoothed over allowed ones).</summary>
public sealed class TransitionTable
{
    public TransitionTable(float[] startLog, float[] log)
    {
        StartLog = startLog;
        Log = log;
    }

    /// <summary>log P(first tag).</summary>
    public float[] StartLog { get; }

    /// <summary>log P(next | previous), row-major [previous * K + next].</summary>
    public float[] Log { get; }

    public static TransitionTable Count(TagSet tags, IEnumerable<int[]> sequences)
    {
        var k = tags.Count;
        var start = new double[k];
        var counts = new double[k * k];
        for (var next = 0; next < k; next++)
        {
            if (tags.IsAllowed(-1, next)) start[next] = 1;
            for (var previous = 0; previous < k; previous++)
                if (tags.IsAllowed(previous, next)) counts[previous * k + next] = 1;
        }
        foreach (var sequence in sequences)
        {
            if (sequence.Length == 0) continue;
            start[sequence[0]]++;
            for (var t = 1; t < sequence.Length; t++) counts[sequence[t - 1] * k + sequence[t]]++;
        }
        var startLog = Normalise(start);
        var log = new float[k * k];
        for (var previous = 0; previous < k; previous++)
            Normalise(counts.AsSpan(previous * k, k)).CopyTo(log, previous * k);
        return new TransitionTable(startLog, log);
    }

    private static float[] Normalise(Span<double> counts)
    {
        double total = 0;
        foreach (var c in counts) total += c;
        var log = new float[counts.Length];
        for (var i = 0; i < counts.Length; i++) log[i] = counts[i] > 0 ? (float)Math.Log(counts[i] / total) : float.NegativeInfinity;
        return log;
    }
}
