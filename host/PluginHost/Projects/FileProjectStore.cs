using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using PluginHost.Configuration;
using PluginHost.State;

namespace PluginHost.Projects;

/// <summary>
/// The embedded <see cref="IProjectStore"/>: one snapshot per project in memory, persisted to
/// <c>MODEL_DIR/&lt;backend&gt;/&lt;project&gt;/state.json</c> with write-then-rename. Reads are lock-free; writes of one
/// project are serialized.
/// </summary>
public sealed class FileProjectStore(HostPaths paths, ILogger<FileProjectStore> logger) : IProjectStore
{
    private readonly ConcurrentDictionary<ProjectKey, Entry> _entries = new();

    public ValueTask<ProjectSnapshot> GetAsync(ProjectKey key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(EntryFor(key).Snapshot);

    public async ValueTask<ProjectSnapshot> SetAsync(ProjectKey key, string name, string value, CancellationToken cancellationToken)
    {
        var entry = EntryFor(key);
        if (entry.Snapshot.Get(name) == value) return entry.Snapshot;
        return await entry.UpdateAsync(current => current.Get(name) == value ? null : current.With(name, value), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<long> AddAsync(ProjectKey key, string counter, long delta, CancellationToken cancellationToken)
    {
        var updated = await EntryFor(key).UpdateAsync(current =>
            current.With(counter, (current.Counter(counter) + delta).ToString(CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false);
        return updated.Counter(counter);
    }

    private Entry EntryFor(ProjectKey key) =>
        _entries.GetOrAdd(key, k => Entry.Load(Path.Combine(paths.ModelDir, k.Backend, k.ProjectId, "state.json"), k, logger));

    private sealed class Entry(string path, ProjectSnapshot snapshot, ILogger logger)
    {
        private readonly SemaphoreSlim _writeGate = new(1, 1);
        private volatile ProjectSnapshot _snapshot = snapshot;

        public ProjectSnapshot Snapshot => _snapshot;

        public static Entry Load(string path, ProjectKey key, ILogger logger)
        {
            var values = new Dictionary<string, string>();
            try
            {
                if (File.Exists(path))
                    values = JsonSerializer.Deserialize(File.ReadAllText(path), StateJsonContext.Default.DictionaryStringString) ?? values;
            }
            catch (Exception ex) when (ex is IOException or JsonException)
            {
                logger.LogWarning(ex, "Ignoring unreadable state file {Path}", path);
            }
            return new Entry(path, new ProjectSnapshot(key, values), logger);
        }

        /// <summary>Applies <paramref name="change"/> (null: nothing to write) and persists the result.</summary>
        public async Task<ProjectSnapshot> UpdateAsync(Func<ProjectSnapshot, ProjectSnapshot?> change, CancellationToken cancellationToken)
        {
            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (change(_snapshot) is not { } next) return _snapshot;
                // Readers see the new snapshot at once; the file follows (a failed write is logged, memory stays right).
                _snapshot = next;
                var bytes = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>(next.Values), StateJsonContext.Default.DictionaryStringString);
                await AtomicFile.WriteAsync(path, bytes, cancellationToken).ConfigureAwait(false);
                return next;
            }
            catch (IOException ex)
            {
                logger.LogError(ex, "Could not persist state to {Path}", path);
                return _snapshot;
            }
            finally
            {
                _writeGate.Release();
            }
        }
    }
}
