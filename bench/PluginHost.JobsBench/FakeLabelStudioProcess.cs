using System.Diagnostics;
using System.Globalization;
using PluginHost.Tests.Shared;

namespace PluginHost.JobsBench;

/// <summary>The fake Label Studio in its own process (this executable with <see cref="Verb"/>), started at nice 10 so its
/// work stands in for a Label Studio on another machine instead of taking the host's CPU at the host's priority.</summary>
public sealed class FakeLabelStudioProcess : IAsyncDisposable
{
    public const string Verb = "serve-label-studio";
    public static readonly string[] Projects = ["7", "8", "9"];

    private readonly Process _process;

    private FakeLabelStudioProcess(Process process, string url, string token)
    {
        _process = process;
        Url = url;
        Token = token;
    }

    public string Url { get; }

    public string Token { get; }

    /// <param name="tasks">Tasks of projects 7 and 8.</param>
    /// <param name="fairnessTasks">Tasks of project 9, long enough a job to sample interactive latency meanwhile.</param>
    public static async Task<FakeLabelStudioProcess> StartAsync(int tasks, int fairnessTasks)
    {
        var start = new ProcessStartInfo("nice") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-n", "10", "dotnet", typeof(FakeLabelStudioProcess).Assembly.Location, Verb, tasks.ToString(CultureInfo.InvariantCulture),
                     fairnessTasks.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the fake Label Studio.");
        var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The fake Label Studio did not start.");
        var parts = line.Split(' ');
        return new FakeLabelStudioProcess(process, parts[0], parts[1]);
    }

    /// <summary>Serves until standard input closes (the benchmark ended).</summary>
    public static async Task<int> ServeAsync(string[] args)
    {
        var tasks = int.Parse(args[1], CultureInfo.InvariantCulture);
        var fairnessTasks = int.Parse(args[2], CultureInfo.InvariantCulture);
        await using var fake = await FakeLabelStudio.StartAsync();
        for (var p = 0; p < Projects.Length; p++)
        {
            fake.LabelConfigs[Projects[p]] = JobsBench.LabelConfig;
            fake.AddTasks(Projects[p], 1 + p * 1_000_000L, p == 2 ? fairnessTasks : tasks, id => new { text = JobsBench.TextOf(id) });
        }
        Console.WriteLine($"{fake.Url} {fake.LegacyToken}");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!await WaitAsync(TimeSpan.FromSeconds(5))) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private async Task<bool> WaitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
