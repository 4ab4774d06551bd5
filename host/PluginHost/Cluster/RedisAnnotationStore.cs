using System.Text.Json;
using System.Text.Json.Nodes;
using PluginHost.Sdk.Json;
using PluginHost.Sdk.Protocol;
using PluginHost.Sdk.Training;
using PluginHost.Training;
using StackExchange.Redis;

namespace PluginHost.Cluster;

/// <summary>
/// The cluster <see cref="IAnnotationStore"/>: per Label Studio project, one Redis hash of tasks and one of annotations
/// (<c>taskId|cancelled|json</c>), so a webhook may land on any replica and any replica may train. <b>Nothing is lost
/// while Redis is away</b>: a write that cannot reach Redis is appended to this replica's <see cref="LocalJournal"/>
/// (flushed to disk before the webhook answers) and replayed in order when the connection returns or the replica
/// restarts; writes made meanwhile queue behind the journal so their order holds. Replays are idempotent (by id).
/// </summary>
public sealed class RedisAnnotationStore : IAnnotationStore
{
    private readonly IConnectionMultiplexer _redis;
    private readonly LocalJournal _journal;
    private readonly ILogger<RedisAnnotationStore> _logger;
    private readonly string _keyPrefix;

    public RedisAnnotationStore(IConnectionMultiplexer redis, LocalJournal journal, ILogger<RedisAnnotationStore> logger, string keyPrefix = "pluginhost")
    {
        _redis = redis;
        _journal = journal;
        _logger = logger;
        _keyPrefix = keyPrefix;
        _redis.ConnectionRestored += (_, _) => _ = ReplayQuietlyAsync();
    }

    public Task<int> UpsertAsync(string projectId, IReadOnlyList<(LabelStudioTask? Task, Annotation Annotation)> items, CancellationToken cancellationToken)
    {
        var rows = AnnotationRow.From(items);
        return WriteAsync(Operation("upsert", projectId, rows), rows.Count, cancellationToken);
    }

    public Task<int> ReplaceProjectAsync(string projectId, IReadOnlyList<LabelStudioTask> tasks, CancellationToken cancellationToken)
    {
        var rows = AnnotationRow.From(tasks.SelectMany(t => (t.Annotations ?? []).Select(a => ((LabelStudioTask?)t, a))));
        return WriteAsync(Operation("replace", projectId, rows), rows.Count, cancellationToken);
    }

    public async Task<int> DeleteAsync(string projectId, IReadOnlyList<long> annotationIds, CancellationToken cancellationToken)
    {
        var operation = new JsonObject { ["op"] = "delete", ["project"] = projectId, ["ids"] = new JsonArray(annotationIds.Select(id => (JsonNode)id).ToArray()) };
        return await WriteAsync(operation, annotationIds.Count, cancellationToken);
    }

    public async Task<IReadOnlyList<TrainingExample>> LoadExamplesAsync(string projectId, CancellationToken cancellationToken)
    {
        var database = _redis.GetDatabase();
        var tasks = (await database.HashGetAllAsync(TasksKey(projectId))).ToDictionary(e => (long)e.Name, e => (string)e.Value!);
        var examples = new List<(long TaskId, long AnnotationId, TrainingExample Example)>();
        foreach (var entry in await database.HashGetAllAsync(AnnotationsKey(projectId)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (taskId, cancelled, json) = Split(entry.Value!);
            if (cancelled || !tasks.TryGetValue(taskId, out var taskJson)) continue;
            examples.Add((taskId, (long)entry.Name, new TrainingExample(
                JsonSerializer.Deserialize(taskJson, SdkJson.Context.LabelStudioTask)!,
                JsonSerializer.Deserialize(json, SdkJson.Context.Annotation)!)));
        }
        return examples.OrderBy(e => e.TaskId).ThenBy(e => e.AnnotationId).Select(e => e.Example).ToList();
    }

    public async Task<int> CountAnnotationsAsync(string projectId, CancellationToken cancellationToken) =>
        (await _redis.GetDatabase().HashValuesAsync(AnnotationsKey(projectId))).Count(v => !Split(v!).Cancelled);

    /// <summary>Replays what the journal holds (at start, and whenever the connection returns).</summary>
    public async Task<int> ReplayAsync(CancellationToken cancellationToken)
    {
        var replayed = await _journal.ReplayAsync((entry, ct) => ApplyAsync(JsonNode.Parse(entry)!.AsObject()), cancellationToken);
        if (replayed > 0) _logger.LogInformation("Replayed {Count} journaled annotation writes into Redis", replayed);
        return replayed;
    }

    private async Task<int> WriteAsync(JsonObject operation, int count, CancellationToken cancellationToken)
    {
        // Behind a journal that still waits, a direct write would overtake older writes: join the queue instead.
        if (!_journal.HasEntries)
        {
            try
            {
                await ApplyAsync(operation);
                return count;
            }
            catch (RedisConnectionException ex)
            {
                _logger.LogWarning("Redis is unreachable ({Error}): annotations journaled locally, replayed when it returns", ex.Message);
            }
        }
        await _journal.AppendAsync(operation.ToJsonString(), cancellationToken);
        if (_redis.IsConnected) _ = ReplayQuietlyAsync();
        return count;
    }

    private async Task ApplyAsync(JsonObject operation)
    {
        var projectId = operation["project"]!.GetValue<string>();
        var transaction = _redis.GetDatabase().CreateTransaction();
        var writes = new List<Task>();
        switch (operation["op"]!.GetValue<string>())
        {
            case "replace":
                writes.Add(transaction.KeyDeleteAsync([TasksKey(projectId), AnnotationsKey(projectId)]));
                goto case "upsert";
            case "upsert":
                foreach (var row in operation["rows"]!.AsArray())
                {
                    var taskId = row!["task"]!.GetValue<long>();
                    if (row["taskJson"]?.GetValue<string>() is { } taskJson) writes.Add(transaction.HashSetAsync(TasksKey(projectId), taskId, taskJson));
                    writes.Add(transaction.HashSetAsync(AnnotationsKey(projectId), row["id"]!.GetValue<long>(),
                        $"{taskId}|{(row["cancelled"]!.GetValue<bool>() ? 1 : 0)}|{row["json"]!.GetValue<string>()}"));
                }
                break;
            case "delete":
                writes.Add(transaction.HashDeleteAsync(AnnotationsKey(projectId),
                    operation["ids"]!.AsArray().Select(id => (RedisValue)id!.GetValue<long>()).ToArray()));
                break;
        }
        if (!await transaction.ExecuteAsync()) throw new AnnotationStoreException("Redis refused an annotation write");
        await Task.WhenAll(writes);
    }

    private async Task ReplayQuietlyAsync()
    {
        try
        {
            await ReplayAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is RedisException or IOException)
        {
            _logger.LogWarning("Journal replay stopped ({Error}); it resumes when Redis is reachable again", ex.Message);
        }
    }

    private static JsonObject Operation(string op, string projectId, IReadOnlyList<AnnotationRow> rows) => new()
    {
        ["op"] = op,
        ["project"] = projectId,
        ["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
        {
            ["task"] = r.TaskId,
            ["taskJson"] = r.TaskJson,
            ["id"] = r.AnnotationId,
            ["json"] = r.AnnotationJson,
            ["cancelled"] = r.WasCancelled,
        }).ToArray()),
    };

    private static (long TaskId, bool Cancelled, string Json) Split(string value)
    {
        var first = value.IndexOf('|');
        var second = value.IndexOf('|', first + 1);
        return (long.Parse(value.AsSpan(0, first), System.Globalization.CultureInfo.InvariantCulture), value[first + 1] == '1', value[(second + 1)..]);
    }

    private RedisKey TasksKey(string projectId) => $"{_keyPrefix}:tasks:{projectId}";

    private RedisKey AnnotationsKey(string projectId) => $"{_keyPrefix}:annotations:{projectId}";
}
