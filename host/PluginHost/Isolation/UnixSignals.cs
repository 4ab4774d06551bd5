namespace PluginHost.Isolation;

/// <summary>Names the signal that ended a process: .NET reports a child killed by signal N as exit code 128 + N.</summary>
internal static class UnixSignals
{
    private static readonly string[] Names =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
    ];

    /// <summary>The signal's name for an exit code above 128 (<c>SIG&lt;n&gt;</c> past the common ones); null for a plain exit.</summary>
    public static string? FromExitCode(int exitCode)
    {
        var signal = exitCode - 128;
        if (signal is <= 0 or > 64) return null;
        return signal < Names.Length ? Names[signal] : $"SIG{signal}";
    }
}
