using System.Diagnostics;
using System.Text.Json.Nodes;
using PluginHost.Scripts;

namespace PluginHost.Tests;

/// <summary>A temporary scripts folder and a real host watching it; helpers to edit scripts and wait for effects.</summary>
public sealed class ScriptKit : IAsyncDisposable
{
    private ScriptKit(string dir, RunningHost host)
    {
        Dir = dir;
        Host = host;
    }

    public string Dir { get; }

    public RunningHost Host { get; }

    /// <summary>Writes the files, then starts a host serving them (plus <paramref name="settings"/>).</summary>
    public static async Task<ScriptKit> StartAsync(IEnumerable<(string File, string Code)> files, IDictionary<string, string?>? settings = null)
    {
        var dir = TempDirs.Create("scripts");
        foreach (var (file, code) in files) Write(dir, file, code);
        var all = new Dictionary<string, string?>
        {
            ["PluginHost:ScriptsDir"] = dir,
            ["PluginHost:PluginsDir"] = TempDirs.Create("no-plugins"),
            ["PluginHost:DefaultBackend"] = "",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        return new ScriptKit(dir, await RunningHost.StartAsync(all));
    }

    public static Task<ScriptKit> StartAsync(params (string File, string Code)[] files) => StartAsync(files, null);

    /// <summary>Saves a file the way an editor does (truncate and write in place).</summary>
    public void Write(string file, string code) => Write(Dir, file, code);

    private static void Write(string dir, string file, string code)
    {
        var path = Path.Combine(dir, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, code);
    }

    public void Delete(string file) => File.Delete(Path.Combine(Dir, file));

    public ScriptSource Source => Host.Get<ScriptSource>();

    /// <summary>POSTs one task with <paramref name="text"/>; returns status and body.</summary>
    public Task<(int Status, JsonNode Body)> PredictAsync(string backend, string text = "hello", string? labelConfig = null)
    {
        var config = labelConfig is null ? "" : $",\"label_config\":{LabelStudioRequests.Escape(labelConfig)}";
        var task = $$"""{"id":1,"data":{"text":{{LabelStudioRequests.Escape(text)}}} }""";
        return Host.PostAsync($"/{backend}/predict", $$"""{"tasks":[{{task}}],"project":"1.1"{{config}} }""");
    }

    /// <summary>The first choice of the first prediction, or null when the call failed.</summary>
    public async Task<string?> ChoiceAsync(string backend)
    {
        var (status, body) = await PredictAsync(backend);
        return status == 200 ? (string?)body["results"]?[0]?["result"]?[0]?["value"]?["choices"]?[0] : null;
    }

    /// <summary>This backend's entry in the host's <c>/health</c>.</summary>
    public async Task<JsonNode?> HostHealthEntryAsync(string backend)
    {
        var (_, body) = await Host.GetAsync("/health");
        return body["backends"]!.AsArray().FirstOrDefault(b => (string?)b!["name"] == backend);
    }

    /// <summary>Polls until <paramref name="condition"/> holds; returns the time it took, fails after <paramref name="timeout"/>.</summary>
    public static async Task<TimeSpan> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout) Assert.Fail($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}.");
            await Task.Delay(10);
        }
        return watch.Elapsed;
    }

    /// <summary>Load contexts of scripts in this kit's folder not yet collected (serving, draining or leaked).</summary>
    public int LiveContexts() => ScriptLoadContext.CountNotCollected(Dir);

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Small scripts the tests edit.</summary>
public static class TestScripts
{
    /// <summary>Answers <c>choices:[answer]</c> for every task; line 1 is the class declaration.</summary>
    public static string Choice(string answer, string extraMember = "") => $$"""
        public sealed class Answer : ILabelStudioBackend
        {
            public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
            {
                IReadOnlyList<Prediction> result = context.Tasks
                    .Select(_ => new Prediction([Regions.Choices("choice", "text", ["{{answer}}"])]))
                    .ToList();
                return ValueTask.FromResult(result);
            }
            {{extraMember}}
        }
        """;

    /// <summary>The 1-based line holding <paramref name="marker"/>.</summary>
    public static int LineOf(string code, string marker) =>
        code.Split('\n').Select((line, index) => (line, index)).First(x => x.line.Contains(marker, StringComparison.Ordinal)).index + 1;
}
