using System.Diagnostics;

namespace PluginHost.Isolation;

/// <summary>How the host starts a worker: the same PluginHost it runs from, with <c>--worker &lt;route&gt;</c>.</summary>
internal static class WorkerCommand
{
    public const string Switch = "--worker";

    /// <summary>The host's own executable when it runs as the PluginHost app host; otherwise (<c>dotnet PluginHost.dll</c>,
    /// or the host inside another process such as a test runner) <c>dotnet</c> with the host's assembly.</summary>
    public static ProcessStartInfo Create(string backend)
    {
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            // The worker reads its configuration from stdin, then watches it: EOF means the host is gone (no orphans).
            RedirectStandardInput = true,
            // Its logs go where the host's go.
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            WorkingDirectory = Environment.CurrentDirectory,
        };
        var hostAssembly = typeof(WorkerCommand).Assembly.Location;
        var processPath = Environment.ProcessPath;
        if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == Path.GetFileNameWithoutExtension(hostAssembly))
        {
            start.FileName = processPath;
        }
        else
        {
            start.FileName = DotnetPath(processPath);
            start.ArgumentList.Add(hostAssembly);
        }
        start.ArgumentList.Add(Switch);
        start.ArgumentList.Add(backend);
        return start;
    }

    private static string DotnetPath(string? processPath)
    {
        if (processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet") return processPath;
        // Set by the dotnet CLI for the processes it starts (test runners, dotnet run).
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;
        return "dotnet";
    }
}
