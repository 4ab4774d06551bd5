namespace PluginHost.JobsBench;

/// <summary>Interactive latency of the job's backend and of another backend over the same time.</summary>
public sealed record InteractiveLoad(Latency Same, Latency Other)
{
    public override string ToString() => $"textclassifier {Same}; substring {Other}";
}
