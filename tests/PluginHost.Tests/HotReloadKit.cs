using System.Diagnostics;
using System.Text.Json.Nodes;

namespace PluginHost.Tests;

/// <summary>Helpers for tests that change a running host's plugins directory.</summary>
public static class HotReloadKit
{
    public const string Route = "versioned";

    public static string VersionA => PluginFolders.TestPlugin("version-a");

    public static string VersionB => PluginFolders.TestPlugin("version-b");

    /// <summary>A host watching a fresh plugins directory holding the given plugin folders.</summary>
    public static async Task<(RunningHost Host, string PluginsDir)> StartWatchingAsync(IDictionary<string, string?>? settings = null,
        params (string Route, string Source)[] plugins)
    {
        var dir = PluginFolders.CreatePluginsDir(plugins);
        var all = new Dictionary<string, string?> { ["PluginHost:PluginsDir"] = dir };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        return (await RunningHost.StartAsync(all), dir);
    }

    /// <summary>One task; <paramref name="delayMs"/> keeps the request in the backend that long.</summary>
    public static string PredictBody(int delayMs = 0) =>
        $$$"""{"tasks":[{"id":7,"data":{"text":"hello","delay_ms":"{{{delayMs}}}"}}],"project":"3.1712586036"}""";

    /// <summary>The value of the <paramref name="control"/> choice in the first prediction (e.g. which build answered).</summary>
    public static string? Choice(JsonNode body, string control) =>
        body["results"]?[0]?["result"]?.AsArray()
            .FirstOrDefault(r => (string?)r!["from_name"] == control)?["value"]?["choices"]?[0]?.GetValue<string>();

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task<TimeSpan> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout) Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting until {what}.");
            await Task.Delay(25);
        }
        return watch.Elapsed;
    }

    /// <summary>Waits until <c>/route/predict</c> answers 200 from the given build.</summary>
    public static Task<TimeSpan> WaitForBuildAsync(RunningHost host, string route, string build, TimeSpan? timeout = null) =>
        WaitUntilAsync(async () =>
        {
            var (status, body) = await host.PostAsync($"/{route}/predict", PredictBody());
            return status == 200 && Choice(body, "build") == build;
        }, timeout ?? TimeSpan.FromSeconds(15), $"/{route}/predict answers from build {build}");

    /// <summary>Overwrites a plugin folder in place, file by file, as a build or a deployment copy does.</summary>
    public static void Replace(string source, string pluginsDir, string route) =>
        PluginFolders.CopyFolder(source, Path.Combine(pluginsDir, route));
}
