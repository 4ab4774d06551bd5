using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PluginHost.Tests;

namespace PluginHost.Ops.Tests;

/// <summary>
/// The host as an operator runs it (its own process, configured by environment): <c>LOG_FORMAT=json</c> writes one JSON
/// object per line, each line of a request carries its request id, backend and project, and <c>--debug</c> turns on
/// debug lines.
/// </summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task Json_lines_carry_request_id_backend_and_project_and_debug_switch_enables_debug()
    {
        var plugins = PluginFolders.CreatePluginsDir(("substring", PluginFolders.BuiltIn("substring")));
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "PluginHost.dll"), "--debug"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["LOG_FORMAT"] = "json",
                ["HOST"] = "127.0.0.1",
                ["PORT"] = "0",
                ["PLUGINS_DIR"] = plugins,
                ["SCRIPTS_DIR"] = TempDirs.Create("scripts"),
                ["MODEL_DIR"] = TempDirs.Create("models"),
            },
        };
        using var process = Process.Start(start)!;
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lines.Enqueue(e.Data);
            if (Regex.Match(e.Data, @"Now listening on: (http://[\d.:]+)") is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value + "/"));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var client = new HttpClient { BaseAddress = address };
            // A broken label config is rejected (400) after the project is known: the warning line must name all three.
            using var response = await client.PostAsync("substring/predict", new StringContent(
                """{"tasks":[{"id":1,"data":{"text":"x"}}],"project":"42.1710967805","label_config":"<View><broken"}""", Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
            Assert.Equal(400, (int)response.StatusCode);

            var rejected = await WaitForLineAsync(lines, l => l.Contains("Rejected POST /substring/predict", StringComparison.Ordinal));
            var json = JsonNode.Parse(rejected)!;
            Assert.Equal("Warning", json["LogLevel"]!.GetValue<string>());
            var scopes = json["Scopes"]!.AsArray().Select(s => s!.AsObject()).ToList();
            Assert.Contains(scopes, s => s["RequestId"] is not null && s["Backend"]?.GetValue<string>() == "substring" && s["Project"]?.GetValue<string>() == "42");

            // Every line is JSON, and --debug let debug lines through.
            Assert.All(lines, l => Assert.NotNull(JsonNode.Parse(l)));
            Assert.Contains(lines, l => JsonNode.Parse(l)!["LogLevel"]!.GetValue<string>() == "Debug");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static async Task<string> WaitForLineAsync(IEnumerable<string> lines, Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (lines.FirstOrDefault(match) is { } line) return line;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("No such log line:\n" + string.Join("\n", lines));
            await Task.Delay(20);
        }
    }
}
