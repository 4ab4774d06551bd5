using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace PluginHost.Tests;

/// <summary>
/// A real host on 127.0.0.1 (random port) with its own temporary MODEL_DIR, serving the built-in plugins the
/// build put in artifacts/plugins unless a test gives other folders. Talks HTTP exactly as Label Studio does.
/// </summary>
public sealed class RunningHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningHost(WebApplication app, Uri baseAddress, string modelDir)
    {
        _app = app;
        BaseAddress = baseAddress;
        ModelDir = modelDir;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.UserAgent.ParseAdd("heartex/1.20.0");
    }

    public Uri BaseAddress { get; }

    public string ModelDir { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<RunningHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var modelDir = TempDirs.Create("models");
        var overrides = new Dictionary<string, string?>
        {
            ["PluginHost:Host"] = "127.0.0.1",
            ["PluginHost:Port"] = "0",
            ["PluginHost:ModelDir"] = modelDir,
            ["PluginHost:DefaultBackend"] = "substring",
            // An empty scripts folder unless a test brings scripts: the repository's examples would add backends.
            ["PluginHost:ScriptsDir"] = TempDirs.Create("scripts"),
            // A task-data cache per host: the user's cache outlives test runs, and a file cached by another test at a
            // reused port would be found instead of fetched.
            ["TaskData:CacheDirectory"] = TempDirs.Create("task-data"),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) overrides[key] = value;
        var app = PluginHostApp.Create([], overrides);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningHost(app, new Uri(address.Replace("0.0.0.0", "127.0.0.1") + "/"), modelDir);
    }

    /// <summary>POSTs JSON as Label Studio does (Content-Type application/json, heartex user agent).</summary>
    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));

    public async Task<(int Status, JsonNode Body)> PostAsync(string path, string json)
    {
        using var response = await PostJsonAsync(path, json);
        return ((int)response.StatusCode, await ReadJsonAsync(response));
    }

    public async Task<(int Status, JsonNode Body)> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        return ((int)response.StatusCode, await ReadJsonAsync(response));
    }

    /// <summary>Every answer must be JSON, errors included; this throws when it is not.</summary>
    public static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("JSON null body");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Temporary folders removed at process exit.</summary>
public static class TempDirs
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "pluginhost-tests", Environment.ProcessId.ToString());

    static TempDirs()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(Root);
        // ProcessExit does not run when a test host is killed: sweep what dead runs left behind (hundreds of MB each).
        var runs = Directory.CreateDirectory(Path.GetDirectoryName(Root)!).FullName;
        foreach (var stale in Directory.EnumerateDirectories(runs))
            if (int.TryParse(Path.GetFileName(stale), out var pid) && !IsRunning(pid)) TryDelete(stale);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static string Create(string prefix)
    {
        var path = Path.Combine(Root, $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}

/// <summary>One host for a whole test class (xunit class fixture).</summary>
public sealed class SharedHost : IAsyncLifetime
{
    public RunningHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await RunningHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
