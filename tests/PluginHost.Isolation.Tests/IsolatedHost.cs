using System.Text.Json.Nodes;
using PluginHost.Tests;

namespace PluginHost.Isolation.Tests;

/// <summary>
/// A real host serving <c>substring</c> embedded, the same plugin as <c>substring_isolated</c> in a worker process, and
/// <c>nativecrash</c> (a plugin whose predict segfaults on demand) in another worker; the bare routes go to
/// <c>substring_isolated</c>, so they are forwarded too.
/// </summary>
public static class IsolatedHost
{
    public static Task<RunningHost> StartAsync(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["PluginHost:PluginsDir"] = PluginFolders.CreatePluginsDir(
                ("substring", PluginFolders.BuiltIn("substring")), ("nativecrash", PluginFolders.TestPlugin("nativecrash"))),
            ["PluginHost:DefaultBackend"] = "substring_isolated",
            ["PluginHost:Isolation:RestartDelaySeconds"] = "0.2",
            ["Backends:substring:Isolation"] = "embedded",
            ["Backends:substring_isolated:Plugin"] = "substring",
            ["Backends:substring_isolated:Isolation"] = "process",
            ["Backends:nativecrash:Isolation"] = "process",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        return RunningHost.StartAsync(settings);
    }

    /// <summary>The <c>worker</c> object of a backend on the host's <c>/health</c>.</summary>
    public static async Task<JsonNode?> WorkerAsync(RunningHost host, string backend)
    {
        var (status, health) = await host.GetAsync("/health");
        Assert.Equal(200, status);
        return health["backends"]!.AsArray().Single(b => (string?)b!["name"] == backend)!["worker"];
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes (then fails naming what it waited for).</summary>
    public static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan deadline, string what)
    {
        var stop = DateTime.UtcNow + deadline;
        while (true)
        {
            var value = await read();
            if (condition(value)) return value;
            if (DateTime.UtcNow > stop) Assert.Fail($"Timed out after {deadline.TotalSeconds} s waiting for {what}; last: {value}");
            await Task.Delay(20);
        }
    }
}
