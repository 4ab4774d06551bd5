using System.Collections.Concurrent;

namespace PluginHost.ReloadStress;

/// <summary>What the stress run counted (fields for Interlocked).</summary>
internal sealed class Counters
{
    public int Reloads;
    public int Edits;
    public int JobsSucceeded;
    public int JobsFailed;
    public int PredictionsOk;
    public int PredictionsFailed;

    public ConcurrentQueue<string> Errors { get; } = new();

    public void Fail(ref int counter, string error)
    {
        Interlocked.Increment(ref counter);
        if (Errors.Count < 100) Errors.Enqueue(error);
    }
}
