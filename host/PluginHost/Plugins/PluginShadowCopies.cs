using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace PluginHost.Plugins;

/// <summary>
/// Versioned copies of plugin folders, the only files the host ever loads. Loading a private, never-rewritten copy
/// means a half-written DLL in the live folder cannot be loaded, the live files are never locked or mapped (a build
/// can overwrite them at any time), and each version resolves its dependencies from its own folder, so a reload
/// really loads the new code.
/// <para>
/// Native libraries are stored once per content (<c>natives/&lt;hash&gt;/&lt;file&gt;</c>, written atomically and
/// never rewritten) and linked into every version. Reloading a plugin therefore opens the same native file again:
/// the OS hands back the library already loaded instead of mapping another copy, and there is no copy in flight
/// that a concurrent load could read half-written (McMaster's own native shadow copy to /tmp can race).
/// </para>
/// Layout: <c>&lt;root&gt;/&lt;pid&gt;/&lt;plugin&gt;-&lt;n&gt;/</c> and <c>&lt;root&gt;/&lt;pid&gt;/natives/</c>. Each process holds
/// an exclusive lock on its folder's <c>.lock</c> while it runs; folders whose lock nobody holds belong to processes
/// that are gone (even in another container sharing the temp folder) and are deleted at start.
/// </summary>
internal sealed class PluginShadowCopies
{
    private const string LockFile = ".lock";
    private static int _sequence;
    // Lazy: GetOrAdd may run its factory twice when two hosts of one process start together; the lock file must be opened once.
    private static readonly ConcurrentDictionary<string, Lazy<FileStream>> Locks = new();
    private readonly ConcurrentDictionary<(string Path, long Length, long Ticks), string> _hashes = new();
    private readonly ILogger _logger;

    public PluginShadowCopies(string configuredRoot, ILogger logger)
    {
        _logger = logger;
        var baseRoot = configuredRoot.Length > 0 ? Path.GetFullPath(configuredRoot) : Path.Combine(Path.GetTempPath(), "pluginhost-shadow");
        Root = Path.Combine(baseRoot, Environment.ProcessId.ToString());
        NativesRoot = Path.Combine(Root, "natives");
        Directory.CreateDirectory(NativesRoot);
        _ = Locks.GetOrAdd(Root, root => new Lazy<FileStream>(() =>
        {
            var held = new FileStream(Path.Combine(root, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                held.Dispose();
                TryDelete(root);
            };
            return held;
        })).Value;
        DeleteFoldersOfEndedProcesses(baseRoot);
    }

    /// <summary>This process's folder of versions.</summary>
    public string Root { get; }

    public string NativesRoot { get; }

    /// <summary>Copies <paramref name="source"/> into a new version folder and returns its path.</summary>
    public string Copy(string source, string plugin, CancellationToken cancellationToken)
    {
        var target = Path.Combine(Root, $"{plugin}-{Interlocked.Increment(ref _sequence)}");
        Directory.CreateDirectory(target);
        try
        {
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var relative = Path.GetRelativePath(source, file);
                var destination = Path.Combine(target, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                if (IsNativeLibrary(relative)) LinkNative(file, destination);
                else File.Copy(file, destination);
            }
            return target;
        }
        catch
        {
            TryDelete(target);
            throw;
        }
    }

    /// <summary>Deletes a version folder once its load context is unloaded (best effort: a later start retries).</summary>
    public void Delete(string versionFolder)
    {
        if (!TryDelete(versionFolder)) _logger.LogDebug("Shadow copy {Folder} could not be deleted yet", versionFolder);
    }

    /// <summary>Native libraries by path: <c>runtimes/&lt;rid&gt;/native/…</c>, or a shared-object/dylib file name.</summary>
    internal static bool IsNativeLibrary(string relativePath)
    {
        var segments = relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        if (segments.Length > 1 && segments[..^1].Any(s => s is "native" or "nativeassets")) return true;
        var name = segments[^1];
        return name.EndsWith(".so", StringComparison.Ordinal) || name.Contains(".so.", StringComparison.Ordinal)
            || name.EndsWith(".dylib", StringComparison.Ordinal);
    }

    private void LinkNative(string file, string destination)
    {
        var stored = StoreNative(file);
        try
        {
            File.CreateSymbolicLink(destination, stored);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // No symlinks (Windows without the privilege): a private copy still never races, it just is not shared.
            File.Copy(stored, destination);
        }
    }

    /// <summary>The content-addressed copy of a native file, written once through a temporary name and a rename.</summary>
    private string StoreNative(string file)
    {
        var info = new FileInfo(file);
        var hash = _hashes.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc.Ticks), _ =>
        {
            using var stream = File.OpenRead(file);
            return Convert.ToHexString(SHA256.HashData(stream))[..24];
        });
        var folder = Path.Combine(NativesRoot, hash);
        var stored = Path.Combine(folder, info.Name);
        if (File.Exists(stored)) return stored;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{info.Name}.{Guid.NewGuid():N}.tmp");
        File.Copy(file, temporary);
        try
        {
            File.Move(temporary, stored, overwrite: false);
        }
        catch (IOException) when (File.Exists(stored))
        {
            File.Delete(temporary); // another load stored the same content first
        }
        return stored;
    }

    private void DeleteFoldersOfEndedProcesses(string baseRoot)
    {
        foreach (var folder in Directory.EnumerateDirectories(baseRoot))
        {
            if (folder == Root || IsOwned(folder)) continue;
            if (TryDelete(folder)) _logger.LogDebug("Deleted plugin shadow copies of an ended process: {Folder}", folder);
        }
    }

    /// <summary>Whether a running process holds the folder's lock (a folder without one is owned only while young:
    /// its process may be about to create it).</summary>
    private static bool IsOwned(string folder)
    {
        var lockPath = Path.Combine(folder, LockFile);
        if (!File.Exists(lockPath)) return DateTime.UtcNow - Directory.GetCreationTimeUtc(folder) < TimeSpan.FromMinutes(5);
        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true; // another user's: not ours to delete
        }
    }

    private static bool TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
