using PluginHost.Sdk.Training;

namespace PluginHost.Training;

/// <summary>
/// Holds out whole tasks (every annotation of a held-out task, so no text is on both sides) for evaluation. Tasks are
/// ranked by a hash of their id and the seed, and the lowest-ranked <c>round(fraction × tasks)</c> are held out: the
/// split depends only on the seed and the task ids, not on the order the store returns them in, and a task held out
/// from one version mostly stays held out as the project grows (figures of successive versions stay comparable).
/// </summary>
internal static class ValidationSplit
{
    public static (IReadOnlyList<TrainingExample> Training, IReadOnlyList<TrainingExample> Validation) Of(IReadOnlyList<TrainingExample> examples,
        double fraction, int minTasks, int seed)
    {
        var tasks = examples.Select(e => e.Task.Id).Distinct().ToList();
        if (fraction <= 0 || tasks.Count < Math.Max(2, minTasks)) return (examples, []);
        var count = (int)Math.Round(Math.Min(fraction, 0.5) * tasks.Count, MidpointRounding.AwayFromZero);
        if (count == 0) return (examples, []);
        var heldOut = tasks.OrderBy(id => Rank(id, seed)).ThenBy(id => id).Take(count).ToHashSet();
        var training = new List<TrainingExample>(examples.Count);
        var validation = new List<TrainingExample>();
        foreach (var example in examples) (heldOut.Contains(example.Task.Id) ? validation : training).Add(example);
        return (training, validation);
    }

    /// <summary>SplitMix64 of the task id mixed with the seed: stable across processes and .NET versions.</summary>
    private static ulong Rank(long taskId, int seed)
    {
        var z = unchecked((ulong)taskId + 0x9E3779B97F4A7C15UL * (ulong)(uint)seed + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
