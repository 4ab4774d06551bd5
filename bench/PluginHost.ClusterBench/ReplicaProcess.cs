using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PluginHost.ClusterBench;

/// <summary>One host as its own OS process (the build's PluginHost.dll), so the bench can SIGKILL it like a crash.</summary>
internal sealed class ReplicaProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ReplicaProcess(string name, Process process, Uri baseAddress)
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

    public string Output => string.Join('\n', _output);

    /// <summary>Starts the host and waits for <c>GET /ready</c> to answer 200.</summary>
    public static async Task<ReplicaProcess> StartAsync(string repo, string name, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort();
        var dll = Path.Combine(repo, "host", "PluginHost", "bin", "Release", "net10.0", "PluginHost.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build the host in Release first.", dll);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.Environment["REPLICA_ID"] = name;
        foreach (var (key, value) in settings.Append(new("PluginHost:Port", port.ToString())).Append(new("PluginHost:Host", "127.0.0.1")))
            start.ArgumentList.Add($"--{key}={value}");
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var replica = new ReplicaProcess(name, process, new Uri($"http://127.0.0.1:{port}/"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"{name} exited ({process.ExitCode}):\n{replica.Output}");
            try
            {
                using var ready = await replica.Client.GetAsync("ready");
                if (ready.StatusCode == HttpStatusCode.OK) return replica;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{name} never turned ready:\n{replica.Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
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
