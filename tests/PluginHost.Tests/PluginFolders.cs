namespace PluginHost.Tests;

/// <summary>The build outputs of real and test plugins, and temporary plugin folders made from them.</summary>
public static class PluginFolders
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string BuiltIn(string route) => Path.Combine(RepoRoot, "artifacts", "plugins", route);

    public static string TestPlugin(string route) => Path.Combine(RepoRoot, "artifacts", "test-plugins", route);

    /// <summary>A fresh plugins directory holding copies of the given plugin folders (name → source folder).</summary>
    public static string CreatePluginsDir(params (string Route, string Source)[] plugins)
    {
        var dir = TempDirs.Create("plugins");
        foreach (var (route, source) in plugins) CopyFolder(source, Path.Combine(dir, route));
        return dir;
    }

    public static void CopyFolder(string source, string target)
    {
        if (!Directory.Exists(source)) throw new DirectoryNotFoundException($"{source} is missing: build the solution first.");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PluginHost.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Repository root (PluginHost.slnx) not found above " + AppContext.BaseDirectory);
    }
}
