namespace PluginHost.Bench;

/// <summary>Where the repository and its build outputs are, for benchmarks that start a host on built plugins.</summary>
internal static class RepoFiles
{
    public static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PluginHost.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Run the benchmark from the repository (PluginHost.slnx not found).");
    }

    /// <summary>Copies a plugin's build folder (build the solution or the host first).</summary>
    public static void CopyFolder(string source, string target)
    {
        if (!Directory.Exists(source)) throw new DirectoryNotFoundException($"{source} is missing: build the solution (or the host) first.");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }
}
