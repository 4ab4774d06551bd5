using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PluginHost.Tests.Shared;

/// <summary>
/// A real <c>redis-server</c> (Debian's package, installed by <c>.ci/install.d/redis.sh</c>) on a free loopback port,
/// private to one test: no persistence unless asked for, its own working folder. <see cref="KillAsync"/> ends it with SIGKILL and
/// <see cref="StartAsync"/> brings it back on the same port, so tests can take Redis away mid-traffic.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("pluginhost-redis-").FullName;
    private readonly bool _appendOnly;
    private Process? _process;

    private RedisServer(int port, bool appendOnly)
    {
        Port = port;
        _appendOnly = appendOnly;
    }

    public int Port { get; }

    /// <summary>The connection string for <c>REDIS_URL</c> (StackExchange.Redis configuration form).</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The same server as a <c>redis://</c> URL, as the Python SDK's users write it.</summary>
    public string Url => $"redis://127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a fresh server on a free port and waits until it answers PING.</summary>
    public static async Task<RedisServer> StartNewAsync(CancellationToken ct = default)
    {
        var server = new RedisServer(FreePort(), appendOnly: false);
        await server.StartAsync(ct);
        return server;
    }

    /// <summary>A server that keeps its data across <see cref="KillAsync"/> and <see cref="StartAsync"/>, as a deployment
    /// does (append-only file, fsync on every write: deploy/docker-compose.yml runs Redis append-only).</summary>
    public static async Task<RedisServer> StartNewAppendOnlyAsync(CancellationToken ct = default)
    {
        var server = new RedisServer(FreePort(), appendOnly: true);
        await server.StartAsync(ct);
        return server;
    }

    /// <summary>(Re)starts the server on <see cref="Port"/> and waits until it answers PING (10 s at most).</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        if (IsRunning) return;
        var start = new ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", _appendOnly ? "yes" : "no",
                             "--appendfsync", "always", "--dir", _workDir, "--protected-mode", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await PingAsync(ct))
        {
            if (_process.HasExited) throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"redis-server on port {Port} did not answer PING");
            await Task.Delay(25, ct);
        }
    }

    /// <summary>Kills the server at once (SIGKILL: no shutdown, no save) and waits for the process to end.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Whether the server answers <c>PING</c> with <c>+PONG</c> over a plain RESP connection.</summary>
    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, ct);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), ct);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, ct);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try { Directory.Delete(_workDir, recursive: true); } catch (IOException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
