using PluginHost.Jobs.Cli;

namespace PluginHost.Tests.Jobs;

/// <summary>The <c>predict</c> command: the same job in the foreground, its exit code telling whether tasks failed.</summary>
public sealed class PredictCommandTests
{
    [Fact]
    public async Task PredictPreAnnotatesTheProjectAndItsExitCodeReportsFailedTasks()
    {
        const string config = """<View><Image name="image" value="$image"/><Text name="text" value="$text"/><Choices name="label" toName="text"><Choice value="Ham"/><Choice value="Spam"/></Choices></View>""";
        await using var fake = await JobKit.StartLabelStudioAsync(120, config, id => new { text = JobKit.TextOf(id), image = $"/data/upload/{JobKit.Project}/{id}.png" });
        foreach (var id in Enumerable.Range(1, 120).Where(i => i != 50)) fake.Files[$"/data/upload/{JobKit.Project}/{id}.png"] = [1, 2, 3];
        var models = TempDirs.Create("models");
        string[] args =
        [
            "--backend", "textclassifier", "--project", JobKit.Project, "--url", fake.Url, "--api-key", fake.LegacyToken, "--batch-size", "25",
            $"--PluginHost:ModelDir={models}",
            $"--PluginHost:PluginsDir={PluginFolders.CreatePluginsDir(("textclassifier", PluginFolders.BuiltIn("textclassifier")))}",
            $"--PluginHost:ScriptsDir={TempDirs.Create("scripts")}",
            $"--TaskData:CacheDirectory={TempDirs.Create("task-data")}",
        ];

        Assert.Equal(1, await PredictCommand.RunAsync(args));
        Assert.Empty(fake.PredictionsOf(50));
        Assert.All(Enumerable.Range(1, 120).Where(i => i != 50), i => Assert.Single(fake.PredictionsOf(i)));

        // Run again once the file is there: the finished job is not resumed; a new one predicts task 50 only.
        fake.Files[$"/data/upload/{JobKit.Project}/50.png"] = [1, 2, 3];
        Assert.Equal(0, await PredictCommand.RunAsync(args));
        Assert.All(Enumerable.Range(1, 120), i => Assert.Single(fake.PredictionsOf(i)));

        // No backend named: the usage, exit code 2.
        Assert.Equal(2, await PredictCommand.RunAsync(["--project", "7"]));
    }
}
