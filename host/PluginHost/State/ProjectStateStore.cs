using System.Collections.Concurrent;
using System.Text.Json;
using PluginHost.Configuration;
using PluginHost.Sdk.Backends;

namespace PluginHost.State;

/// <summary>
/// The per-project key/value state of every backend (the Python SDK's <c>get</c>/<c>set</c>), kept in memory and
/// persisted to <c>MODEL_DIR/&lt;backend&gt;/&lt;project&gt;/state.json</c> with write-then-rename.
/// </summary>
public sealed class ProjectStateStore(HostPaths paths, ILogger<ProjectStateStore> logger)
{
    private readonly ConcurrentDictionary<(string Backend, string Project), ProjectState> _states = new();

    public IProjectState For(string backend, string projectId) =>
        _states.GetOrAdd((backend.ToLowerInvariant(), projectId), key => ProjectState.Load(Path.Combine(
            paths.ModelDir, key.Backend, key.Project, "state.json"), logger));

    private sealed class ProjectState : IProjectState
    {
        private readonly string _path;
        private readonly ILogger _logger;
        private readonly SemaphoreSlim _writeGate = new(1, 1);
        private volatile Dictionary<string, string> _values;

        private ProjectState(string path, Dictionary<string, string> values, ILogger logger)
        {
            _path = path;
            _values = values;
            _logger = logger;
        }

        public static ProjectState Load(string path, ILogger logger)
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
            return new ProjectState(path, values, logger);
        }

        public string? Get(string key) => _values.GetValueOrDefault(key);

        public async ValueTask SetAsync(string key, string value, CancellationToken cancellationToken)
        {
            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_values.TryGetValue(key, out var existing) && existing == value) return;
                // Copy-on-write keeps readers lock-free.
                var next = new Dictionary<string, string>(_values) { [key] = value };
                _values = next;
                await AtomicFile.WriteAsync(_path, JsonSerializer.SerializeToUtf8Bytes(next, StateJsonContext.Default.DictionaryStringString), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                _logger.LogError(ex, "Could not persist state to {Path}", _path);
            }
            finally
            {
                _writeGate.Release();
            }
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class StateJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
