using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PluginHost.Backends;
using PluginHost.Configuration;

namespace PluginHost.Training;

/// <summary>
/// The versioned weights of every trainable backend: <c>MODEL_DIR/&lt;backend&gt;/&lt;project&gt;/v1, v2, …</c>, each written
/// to a <c>.staging-*</c> folder and renamed into place when complete, and a <c>current</c> file naming the active
/// version, rewritten atomically only after that version loaded and answered a warm-up prediction.
/// Reading the active version is lock-free (cached); writes are serialized per project by the caller.
/// </summary>
public sealed class ModelStore
{
    internal const string MetadataFile = "version.json";
    internal const string StagingPrefix = ".staging-";
    private const string VersionPrefix = "v";

    private readonly string _root;
    private readonly IActiveVersionStore _active;
    private readonly ILogger<ModelStore> _logger;

    public ModelStore(HostPaths paths, IActiveVersionStore active, ILogger<ModelStore> logger)
    {
        _root = paths.ModelDir;
        _active = active;
        _logger = logger;
    }

    /// <summary>The model_version Label Studio sees for a version folder.</summary>
    public static string ModelVersionOf(string backend, string versionName) => ModelVersions.Of(backend.ToLowerInvariant(), versionName);

    public string ProjectDirectory(string backend, string projectId) => Path.Combine(_root, Key(backend), projectId);

    public ActiveModel? GetActive(string backendName, string projectId) => _active.GetActive(backendName, projectId);

    /// <summary>Every committed version of a project, oldest first.</summary>
    public IReadOnlyList<StoredVersion> List(string backend, string projectId)
    {
        var dir = ProjectDirectory(backend, projectId);
        if (!Directory.Exists(dir)) return [];
        var active = GetActive(backend, projectId)?.VersionName;
        return Directory.EnumerateDirectories(dir)
            .Select(d => (Dir: d, Number: ParseVersion(Path.GetFileName(d))))
            .Where(v => v.Number > 0)
            .OrderBy(v => v.Number)
            .Select(v =>
            {
                var name = Path.GetFileName(v.Dir);
                return new StoredVersion(name, v.Number, v.Dir, ModelVersionOf(backend, name), name == active, ReadMetadata(v.Dir));
            })
            .ToList();
    }

    /// <summary>The projects of a backend that have at least one stored version.</summary>
    public IReadOnlyList<string> Projects(string backend)
    {
        var dir = Path.Combine(_root, Key(backend));
        if (!Directory.Exists(dir)) return [];
        return Directory.EnumerateDirectories(dir)
            .Where(d => Directory.EnumerateDirectories(d).Any(v => ParseVersion(Path.GetFileName(v)) > 0))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public StoredVersion? Find(string backend, string projectId, string version)
    {
        // Accept "v3", "3" and the model_version form "textclassifier-v3".
        var name = version.StartsWith(Key(backend) + "-", StringComparison.OrdinalIgnoreCase) ? version[(Key(backend).Length + 1)..] : version;
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) name = VersionPrefix + n.ToString(CultureInfo.InvariantCulture);
        return List(backend, projectId).FirstOrDefault(v => v.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>An empty folder for a training job to write into; renamed by <see cref="Commit"/>.</summary>
    public string CreateStaging(string backend, string projectId)
    {
        var path = Path.Combine(ProjectDirectory(backend, projectId), StagingPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Renames a finished staging folder to the next version number and returns it.</summary>
    public StoredVersion Commit(string backend, string projectId, string stagingDirectory, VersionMetadata metadata)
    {
        File.WriteAllBytes(Path.Combine(stagingDirectory, MetadataFile), JsonSerializer.SerializeToUtf8Bytes(metadata, ModelStoreJson.Default.VersionMetadata));
        var projectDir = ProjectDirectory(backend, projectId);
        while (true)
        {
            var number = Directory.EnumerateDirectories(projectDir).Select(d => ParseVersion(Path.GetFileName(d))).DefaultIfEmpty(0).Max() + 1;
            var name = VersionPrefix + number.ToString(CultureInfo.InvariantCulture);
            var target = Path.Combine(projectDir, name);
            try
            {
                // Directory.Move is a rename on the same file system: the version appears complete or not at all.
                Directory.Move(stagingDirectory, target);
                return new StoredVersion(name, number, target, ModelVersionOf(backend, name), false, metadata);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another commit took this number first: try the next one.
            }
        }
    }

    /// <summary>Removes a version that never became active (renamed away first, so it never looks half there).</summary>
    public void Delete(StoredVersion version)
    {
        var doomed = Path.Combine(Path.GetDirectoryName(version.Directory)!, StagingPrefix + "deleted-" + version.Name + "-" + Guid.NewGuid().ToString("N")[..6]);
        try
        {
            Directory.Move(version.Directory, doomed);
        }
        catch (IOException ex)
        {
            _logger.LogWarning(ex, "Could not remove {Path}", version.Directory);
            return;
        }
        DeleteStaging(doomed);
    }

    /// <summary>Deletes the oldest versions beyond <paramref name="keep"/>, never the active one.</summary>
    public IReadOnlyList<string> Prune(string backend, string projectId, int keep)
    {
        if (keep <= 0) return [];
        var versions = List(backend, projectId);
        var removed = new List<string>();
        var excess = versions.Count - keep;
        foreach (var version in versions)
        {
            if (excess <= 0) break;
            if (version.IsActive) continue;
            try
            {
                // Rename first so a half-deleted folder never looks like a version.
                var doomed = Path.Combine(Path.GetDirectoryName(version.Directory)!, StagingPrefix + "pruned-" + version.Name);
                Directory.Move(version.Directory, doomed);
                Directory.Delete(doomed, recursive: true);
                removed.Add(version.Name);
                excess--;
            }
            catch (IOException ex)
            {
                _logger.LogWarning(ex, "Could not prune {Backend}/{Project}/{Version}", backend, projectId, version.Name);
            }
        }
        return removed;
    }

    /// <summary>Removes the staging folders a crashed or killed training left behind (called at start).</summary>
    public int CleanStaging(Func<string, bool> ownsBackend)
    {
        if (!Directory.Exists(_root)) return 0;
        var removed = 0;
        foreach (var backendDir in Directory.EnumerateDirectories(_root).Where(dir => ownsBackend(Path.GetFileName(dir))))
        foreach (var projectDir in Directory.EnumerateDirectories(backendDir))
            removed += CleanStaging(projectDir);
        return removed;
    }

    /// <summary>Removes the staging folders of one project (cluster mode: called by the lane's new owner, so whatever is
    /// there belongs to an owner that died or lost the lane).</summary>
    public int CleanStaging(string backend, string projectId)
    {
        var projectDir = ProjectDirectory(backend, projectId);
        return Directory.Exists(projectDir) ? CleanStaging(projectDir) : 0;
    }

    private int CleanStaging(string projectDir)
    {
        var removed = 0;
        foreach (var staging in Directory.EnumerateDirectories(projectDir, StagingPrefix + "*"))
        {
            try
            {
                Directory.Delete(staging, recursive: true);
                removed++;
                _logger.LogWarning("Removed unfinished model folder {Path} left by an interrupted training", staging);
            }
            catch (IOException ex)
            {
                _logger.LogWarning(ex, "Could not remove unfinished model folder {Path}", staging);
            }
        }
        return removed;
    }

    public void DeleteStaging(string stagingDirectory)
    {
        try
        {
            if (Directory.Exists(stagingDirectory)) Directory.Delete(stagingDirectory, recursive: true);
        }
        catch (IOException ex)
        {
            _logger.LogWarning(ex, "Could not remove {Path}; it is removed at the next start", stagingDirectory);
        }
    }

    private static VersionMetadata? ReadMetadata(string versionDir)
    {
        try
        {
            var path = Path.Combine(versionDir, MetadataFile);
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllBytes(path), ModelStoreJson.Default.VersionMetadata) : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>"v12" → 12; anything else → 0.</summary>
    internal static int ParseVersion(string? name) =>
        name is { Length: > 1 } && name[0] == 'v' && int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 0;

    private static string Key(string backend) => backend.ToLowerInvariant();
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VersionMetadata))]
internal sealed partial class ModelStoreJson : JsonSerializerContext;
