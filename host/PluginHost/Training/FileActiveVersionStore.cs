using System.Collections.Concurrent;
using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.State;

namespace PluginHost.Training;

/// <summary>
/// The embedded <see cref="IActiveVersionStore"/>: <c>MODEL_DIR/&lt;backend&gt;/&lt;project&gt;/current</c> names the active
/// version folder, rewritten atomically; reads are cached, so only a project's first read touches the disk.
/// </summary>
public sealed class FileActiveVersionStore(HostPaths paths, ILogger<FileActiveVersionStore> logger) : IActiveVersionStore
{
    internal const string CurrentFile = "current";
    private readonly ConcurrentDictionary<(string Backend, string Project), ActiveModel?> _active = new();

    public ActiveModel? GetActive(string backend, string projectId) =>
        _active.GetOrAdd((backend.ToLowerInvariant(), projectId), key => Read(key.Backend, key.Project));

    public async Task SetActiveAsync(string backend, string projectId, ActiveModel version, CancellationToken cancellationToken)
    {
        var path = Path.Combine(ProjectDirectory(backend.ToLowerInvariant(), projectId), CurrentFile);
        await AtomicFile.WriteAsync(path, System.Text.Encoding.UTF8.GetBytes(version.VersionName), cancellationToken).ConfigureAwait(false);
        _active[(backend.ToLowerInvariant(), projectId)] = version;
    }

    private string ProjectDirectory(string backend, string projectId) => Path.Combine(paths.ModelDir, backend, projectId);

    private ActiveModel? Read(string backend, string projectId)
    {
        var projectDir = ProjectDirectory(backend, projectId);
        var pointer = Path.Combine(projectDir, CurrentFile);
        if (!File.Exists(pointer)) return null;
        var name = File.ReadAllText(pointer).Trim();
        var dir = Path.Combine(projectDir, name);
        if (ModelStore.ParseVersion(name) > 0 && Directory.Exists(dir)) return new ActiveModel(name, dir);
        logger.LogError("{Pointer} names version '{Version}', which does not exist; serving the untrained model", pointer, name);
        return null;
    }
}
