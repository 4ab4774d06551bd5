using System.Diagnostics;
using System.Text;
using static PluginHost.Tests.HotReloadKit;

namespace PluginHost.Tests;

/// <summary>
/// <c>dotnet new ls-plugin</c> end to end: pack the SDK to a folder feed, install the template (into a private
/// template hive, so the machine's templates are untouched), instantiate it outside the repository, run its own
/// tests, drop its build output into a running host and call it.
/// </summary>
public sealed class TemplateTests
{
#if RELEASE
    private const string Configuration = "Release";
#else
    private const string Configuration = "Debug";
#endif

    [Fact]
    public async Task A_generated_plugin_builds_passes_its_tests_and_answers_at_its_route()
    {
        var work = TempDirs.Create("template");
        var feed = Path.Combine(work, "feed");
        var hive = Path.Combine(work, "hive");
        // A version of its own per run: the global package cache never hands an older SDK build back.
        var version = $"1.0.0-test{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        
        try
        {
            await DotnetAsync(PluginFolders.RepoRoot, "pack", "host/PluginHost.Sdk", "-c", Configuration, "--no-build", "--no-restore", "-o", feed, $"-p:Version={version}");
            await DotnetAsync(work, "new", "install", Path.Combine(PluginFolders.RepoRoot, "plugin-template"), "--debug:custom-hive", hive);
            await DotnetAsync(work, "new", "ls-plugin", "-n", "MyBackend", "-o", "MyBackend", "--sdk-feed", feed, "--sdk-version", version, "--debug:custom-hive", hive);
            var project = Path.Combine(work, "MyBackend");
            Assert.Contains(version, await File.ReadAllTextAsync(Path.Combine(project, "MyBackend", "MyBackend.csproj")));

            var testOutput = await DotnetAsync(project, "test", "MyBackend.slnx");
            Assert.Matches(@"Passed!\s+-\s+Failed:\s+0, Passed:\s+[1-9]", testOutput);

            var output = Path.Combine(project, "MyBackend", "bin", "Debug", "net10.0");
            Assert.True(File.Exists(Path.Combine(output, "MyBackend.deps.json")));
            Assert.False(File.Exists(Path.Combine(output, "PluginHost.Sdk.dll")), "the SDK must come from the host, not from the plugin folder");

            var (host, plugins) = await StartWatchingAsync();
            await using var _ = host;
            PluginFolders.CopyFolder(output, Path.Combine(plugins, "mybackend"));
            const string request = """
                {"tasks":[{"id":1,"data":{"text":"This is clearly positive"}}],
                 "label_config":"<View><Text name=\"text\" value=\"$text\"/><Choices name=\"sentiment\" toName=\"text\"><Choice value=\"Positive\"/><Choice value=\"Negative\"/></Choices></View>"}
                """;
            await WaitUntilAsync(async () => (await host.PostAsync("/mybackend/predict", request)).Status == 200, TimeSpan.FromSeconds(15), "/mybackend/predict answers");
            var (status, body) = await host.PostAsync("/mybackend/predict", request);
            Assert.Equal(200, status);
            Assert.Equal("Positive", Choice(body, "sentiment"));
            Assert.Equal("mybackend-1.0.0", (string?)body["results"]![0]!["model_version"]);
        }
        finally
        {
            var cached = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "pluginhost.sdk", version);
            try { if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Runs the dotnet CLI; fails the test with its output when it exits non-zero or hangs.</summary>
    private static async Task<string> DotnetAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The test host's own MSBuild/test-platform variables must not leak into the nested build.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || k.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(300));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} timed out:\n{output}");
        }
        await Task.WhenAll(stdout, stderr);
        if (process.ExitCode != 0) Assert.Fail($"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        return output.ToString();
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        while (await reader.ReadLineAsync() is { } line)
            lock (into) into.AppendLine(line);
    }
}
