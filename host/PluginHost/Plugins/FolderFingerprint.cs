using System.Security.Cryptography;
using System.Text;

namespace PluginHost.Plugins;

/// <summary>
/// A cheap identity of a folder's contents: every file's relative path, size and write time. Two equal fingerprints
/// taken some time apart mean the folder is not being written (a build writes many files, one after another).
/// </summary>
internal static class FolderFingerprint
{
    /// <summary>The fingerprint, or null when the folder is gone or holds no file yet.</summary>
    public static string? Compute(string folder)
    {
        try
        {
            var files = new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories)
                .Select(f => $"{Path.GetRelativePath(folder, f.FullName)}|{f.Length}|{f.LastWriteTimeUtc.Ticks}")
                .Order(StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0) return null;
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', files))))[..16];
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException)
        {
            return null;
        }
    }
}
