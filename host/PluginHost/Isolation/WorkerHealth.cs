namespace PluginHost.Isolation;

/// <summary>The worker process of an isolated backend, as <c>/health</c> shows it.</summary>
/// <param name="State"><see cref="WorkerStates"/>: starting, running, restarting or stopped.</param>
/// <param name="Pid">The running worker's process id; null while none runs.</param>
/// <param name="Restarts">Workers started after the first (crashes, failed starts).</param>
/// <param name="LastExitCode">Exit code of the last worker that ended (128 + signal when a signal killed it).</param>
/// <param name="LastSignal">The signal that killed the last worker (<c>SIGSEGV</c>, <c>SIGKILL</c>…), if one did.</param>
/// <param name="LastExitReason">Why: <c>died of SIGSEGV</c>, <c>exited with code 1</c>, <c>killed: did not answer its health
/// check 3 times in a row</c>, <c>recycled: 2100 MB resident…</c>, <c>recycled: Backends:ocr changed</c>.</param>
/// <param name="LastExitAt">When the last worker ended.</param>
/// <param name="NextStartAt">While restarting: when the next worker starts (exponential backoff).</param>
public sealed record WorkerHealth(string State, int? Pid, int Restarts, int? LastExitCode, string? LastSignal,
    string? LastExitReason, DateTimeOffset? LastExitAt, DateTimeOffset? NextStartAt)
{
    /// <summary>" Its last worker ended: died of SIGSEGV (exit code 139)." for error answers; empty before any worker ended.</summary>
    public string DescribeLastExit() => LastExitCode is { } code ? $" Its last worker ended: {LastExitReason} (exit code {code})." : "";
}
