using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PluginHost.Tests.Shared;

/// <summary>The host as a separate OS process (a build's PluginHost.dll under <c>dotnet</c>), so a test or a benchmark
/// can kill it the hard way: no shutdown code runs, as in a crash or an OOM kill.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private HostProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>The last lines the host printed, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>The repository's PluginHost.dll built in the caller's own configuration (Debug or Release).</summary>
    public static string HostDll(string repoRoot)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        return Path.Combine(repoRoot, "host", "PluginHost", "bin", configuration, "net10.0", "PluginHost.dll");
    }

    /// <summary>Starts <paramref name="hostDll"/> on a free loopback port with <paramref name="settings"/> as command-line
    /// settings and waits until <paramref name="readyPath"/> answers 200.</summary>
    public static async Task<HostProcess> StartAsync(string hostDll, IReadOnlyDictionary<string, string> settings, string readyPath = "ready",
        string name = "host", IReadOnlyDictionary<string, string>? environment = null, TimeSpan? startTimeout = null)
    {
        if (!File.Exists(hostDll)) throw new FileNotFoundException("Build the host first.", hostDll);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(hostDll);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        foreach (var (key, value) in settings.Append(new("PluginHost:Port", port.ToString())).Append(new("PluginHost:Host", "127.0.0.1")))
            start.ArgumentList.Add($"--{key}={value}");
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var host = new HostProcess(name, process, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = DateTime.UtcNow + (startTimeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"{name} exited ({process.ExitCode}):\n{host.Output}");
            try
            {
                using var ready = await host.Client.GetAsync(readyPath);
                if (ready.StatusCode == HttpStatusCode.OK) return host;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{name} did not come up:\n{host.Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: the process ends where it stands.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > 200) _output.TryDequeue(out _);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
