using System.Diagnostics;
using PluginHost.Backends;
using PluginHost.Sdk.Backends;

namespace PluginHost.Invocation;

/// <summary>One prediction on its way through the <see cref="PredictInvoker"/>'s steps.</summary>
public sealed class PredictCall(BackendGeneration generation, PredictContext context, PredictPurpose purpose, TimeSpan timeout)
{
    private readonly long _deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
    private List<string>? _warnings;

    /// <summary>The backend code answering; the caller holds a lease on it for the whole call.</summary>
    public BackendGeneration Generation { get; } = generation;

    public string Backend => Generation.Name;

    public PredictContext Context { get; } = context;

    public PredictPurpose Purpose { get; } = purpose;

    /// <summary><c>PredictTimeoutSeconds</c>: the whole call — waiting in a step (a bulkhead's queue) included — must
    /// end within it.</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>What is left of <see cref="Timeout"/> (zero once past it).</summary>
    public TimeSpan Remaining => Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _deadline) is { Ticks: > 0 } left ? left : TimeSpan.Zero;

    /// <summary>The backend's own <c>PredictAsync</c> once started (null before): a call that timed out may still be
    /// running on its thread, and a step holding a resource for it (a bulkhead slot) gives it back when this ends.</summary>
    public Task? Running { get; internal set; }

    /// <summary>What the host changed on the way out (e.g. invalid regions dropped); the answer's <c>warnings</c>.</summary>
    public IReadOnlyList<string>? Warnings => _warnings;

    /// <remarks>A call's steps run one after another, never at once: no lock.</remarks>
    public void AddWarning(string warning) => (_warnings ??= []).Add(warning);
}
