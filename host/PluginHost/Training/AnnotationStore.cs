using System.Text.Json;
using Microsoft.Data.Sqlite;
using PluginHost.Configuration;
using PluginHost.Sdk.Json;
using PluginHost.Sdk.Protocol;
using PluginHost.Sdk.Training;

namespace PluginHost.Training;

/// <summary>
/// The tasks and annotations Label Studio delivered (webhooks, legacy <c>/train</c>, pulls from its API), kept in
/// SQLite at <c>MODEL_DIR/annotations.db</c> so a project can be trained without calling Label Studio. Shared by every
/// backend: annotations belong to a Label Studio project, not to a backend. Also records the jobs, so a restart can
/// tell which ones it interrupted.
/// </summary>
public sealed class AnnotationStore
{
    private readonly string _connectionString;
    private readonly Lazy<bool> _schema;

    public AnnotationStore(HostPaths paths)
    {
        Path = System.IO.Path.Combine(paths.ModelDir, "annotations.db");
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        // Created on first use, so a host whose MODEL_DIR is not writable still starts and serves predictions.
        _schema = new Lazy<bool>(CreateSchema, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Path { get; }

    /// <summary>Stores (or replaces, by id) annotations and their tasks. Returns how many annotations were written.</summary>
    public int Upsert(string projectId, IEnumerable<(LabelStudioTask? Task, Annotation Annotation)> items)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var count = UpsertCore(connection, transaction, projectId, items);
        transaction.Commit();
        return count;
    }

    /// <summary>Replaces everything known about a project with a full snapshot (legacy <c>/train</c>, a pull from Label Studio).</summary>
    public int ReplaceProject(string projectId, IEnumerable<LabelStudioTask> tasks)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Execute(connection, "DELETE FROM annotations WHERE project = $p; DELETE FROM tasks WHERE project = $p;", transaction, ("$p", projectId));
        var items = tasks.SelectMany(t => (t.Annotations ?? []).Select(a => ((LabelStudioTask?)t, a)));
        var count = UpsertCore(connection, transaction, projectId, items);
        transaction.Commit();
        return count;
    }

    public int Delete(string projectId, IEnumerable<long> annotationIds)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM annotations WHERE project = $p AND annotation_id = $id";
        command.Parameters.AddWithValue("$p", projectId);
        var id = command.Parameters.Add("$id", SqliteType.Integer);
        var deleted = 0;
        foreach (var annotationId in annotationIds)
        {
            id.Value = annotationId;
            deleted += command.ExecuteNonQuery();
        }
        transaction.Commit();
        return deleted;
    }

    /// <summary>Every usable annotation of the project with its task: cancelled (skipped) annotations left out.</summary>
    public IReadOnlyList<TrainingExample> LoadExamples(string projectId, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT t.json, a.json FROM annotations a JOIN tasks t ON t.project = a.project AND t.task_id = a.task_id
            WHERE a.project = $p AND a.was_cancelled = 0 ORDER BY a.task_id, a.annotation_id
            """;
        command.Parameters.AddWithValue("$p", projectId);
        using var reader = command.ExecuteReader();
        var examples = new List<TrainingExample>();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var task = JsonSerializer.Deserialize(reader.GetString(0), SdkJson.Context.LabelStudioTask)!;
            var annotation = JsonSerializer.Deserialize(reader.GetString(1), SdkJson.Context.Annotation)!;
            examples.Add(new TrainingExample(task, annotation));
        }
        return examples;
    }

    public int CountAnnotations(string projectId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM annotations WHERE project = $p AND was_cancelled = 0";
        command.Parameters.AddWithValue("$p", projectId);
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void SaveLabelConfig(string projectId, string labelConfig)
    {
        using var connection = Open();
        Execute(connection, """
            INSERT INTO projects (project, label_config, updated_at) VALUES ($p, $c, $t)
            ON CONFLICT (project) DO UPDATE SET label_config = excluded.label_config, updated_at = excluded.updated_at
            """, null, ("$p", projectId), ("$c", labelConfig), ("$t", Now()));
    }

    public string? LoadLabelConfig(string projectId)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT label_config FROM projects WHERE project = $p";
        command.Parameters.AddWithValue("$p", projectId);
        return command.ExecuteScalar() as string;
    }

    public void SaveJob(string id, string backend, string projectId, string state, string json)
    {
        using var connection = Open();
        Execute(connection, """
            INSERT INTO jobs (id, backend, project, state, json, updated_at) VALUES ($id, $b, $p, $s, $j, $t)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, json = excluded.json, updated_at = excluded.updated_at
            """, null, ("$id", id), ("$b", backend), ("$p", projectId), ("$s", state), ("$j", json), ("$t", Now()));
    }

    public string? LoadJob(string id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM jobs WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return command.ExecuteScalar() as string;
    }

    /// <summary>The jobs recorded in one of the given states (e.g. queued or running when the process died).</summary>
    public IReadOnlyList<string> LoadJobsInState(params string[] states)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        var names = states.Select((_, i) => "$s" + i).ToArray();
        command.CommandText = $"SELECT json FROM jobs WHERE state IN ({string.Join(",", names)})";
        for (var i = 0; i < states.Length; i++) command.Parameters.AddWithValue(names[i], states[i]);
        using var reader = command.ExecuteReader();
        var jobs = new List<string>();
        while (reader.Read()) jobs.Add(reader.GetString(0));
        return jobs;
    }

    /// <summary>Keeps the newest <paramref name="keep"/> finished jobs.</summary>
    public void PruneJobs(int keep)
    {
        using var connection = Open();
        Execute(connection, """
            DELETE FROM jobs WHERE state NOT IN ('queued', 'running') AND id NOT IN
              (SELECT id FROM jobs WHERE state NOT IN ('queued', 'running') ORDER BY updated_at DESC LIMIT $k)
            """, null, ("$k", keep));
    }

    private static int UpsertCore(SqliteConnection connection, SqliteTransaction transaction, string projectId,
        IEnumerable<(LabelStudioTask? Task, Annotation Annotation)> items)
    {
        using var upsertTask = connection.CreateCommand();
        upsertTask.Transaction = transaction;
        upsertTask.CommandText = """
            INSERT INTO tasks (project, task_id, json, updated_at) VALUES ($p, $id, $json, $t)
            ON CONFLICT (project, task_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
            """;
        upsertTask.Parameters.AddWithValue("$p", projectId);
        var taskId = upsertTask.Parameters.Add("$id", SqliteType.Integer);
        var taskJson = upsertTask.Parameters.Add("$json", SqliteType.Text);
        upsertTask.Parameters.AddWithValue("$t", Now());

        using var upsertAnnotation = connection.CreateCommand();
        upsertAnnotation.Transaction = transaction;
        upsertAnnotation.CommandText = """
            INSERT INTO annotations (project, annotation_id, task_id, json, was_cancelled, updated_at) VALUES ($p, $id, $task, $json, $c, $t)
            ON CONFLICT (project, annotation_id) DO UPDATE SET task_id = excluded.task_id, json = excluded.json,
              was_cancelled = excluded.was_cancelled, updated_at = excluded.updated_at
            """;
        upsertAnnotation.Parameters.AddWithValue("$p", projectId);
        var annotationId = upsertAnnotation.Parameters.Add("$id", SqliteType.Integer);
        var annotationTask = upsertAnnotation.Parameters.Add("$task", SqliteType.Integer);
        var annotationJson = upsertAnnotation.Parameters.Add("$json", SqliteType.Text);
        var cancelled = upsertAnnotation.Parameters.Add("$c", SqliteType.Integer);
        upsertAnnotation.Parameters.AddWithValue("$t", Now());

        var written = 0;
        var seenTasks = new HashSet<long>();
        var positions = new Dictionary<long, int>();
        foreach (var (task, annotation) in items)
        {
            var id = task?.Id is > 0 ? task.Id : annotation.TaskId;
            if (id is not { } resolvedTaskId)
                throw new TrainingDataException($"Annotation {annotation.Id?.ToString() ?? "(no id)"} names no task: send 'task' with the annotation.");
            if (task is not null && seenTasks.Add(resolvedTaskId))
            {
                taskId.Value = resolvedTaskId;
                taskJson.Value = JsonSerializer.Serialize(StripTask(task), SdkJson.Context.LabelStudioTask);
                upsertTask.ExecuteNonQuery();
            }
            // Annotations without an id (hand-written /train bodies) get a stable one per task and position.
            var position = positions[resolvedTaskId] = positions.GetValueOrDefault(resolvedTaskId) + 1;
            annotationId.Value = annotation.Id ?? -(resolvedTaskId * 1000 + position);
            annotationTask.Value = resolvedTaskId;
            annotationJson.Value = JsonSerializer.Serialize(annotation, SdkJson.Context.Annotation);
            cancelled.Value = annotation.WasCancelled ? 1 : 0;
            upsertAnnotation.ExecuteNonQuery();
            written++;
        }
        return written;
    }

    /// <summary>The task without its annotations, drafts and predictions: those are stored (or not) on their own.</summary>
    private static LabelStudioTask StripTask(LabelStudioTask task) => new()
    {
        Id = task.Id,
        Data = task.Data,
        Meta = task.Meta,
        Project = task.Project,
    };

    private SqliteConnection Open()
    {
        try
        {
            _ = _schema.Value;
            var connection = new SqliteConnection(_connectionString);
            connection.Open();
            return connection;
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new AnnotationStoreException($"The annotation store {Path} cannot be opened: {ex.Message} (MODEL_DIR must be writable).", ex);
        }
    }

    private bool CreateSchema()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, """
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS tasks (
              project TEXT NOT NULL, task_id INTEGER NOT NULL, json TEXT NOT NULL, updated_at TEXT NOT NULL,
              PRIMARY KEY (project, task_id));
            CREATE TABLE IF NOT EXISTS annotations (
              project TEXT NOT NULL, annotation_id INTEGER NOT NULL, task_id INTEGER NOT NULL, json TEXT NOT NULL,
              was_cancelled INTEGER NOT NULL, updated_at TEXT NOT NULL,
              PRIMARY KEY (project, annotation_id));
            CREATE INDEX IF NOT EXISTS annotations_by_task ON annotations (project, task_id);
            CREATE TABLE IF NOT EXISTS projects (
              project TEXT PRIMARY KEY, label_config TEXT, updated_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS jobs (
              id TEXT PRIMARY KEY, backend TEXT NOT NULL, project TEXT NOT NULL, state TEXT NOT NULL, json TEXT NOT NULL,
              updated_at TEXT NOT NULL);
            """);
        return true;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Training data that cannot be used; the message says what is wrong.</summary>
public sealed class TrainingDataException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The annotation store cannot be used (e.g. MODEL_DIR is read-only): a host problem, not bad input.</summary>
public sealed class AnnotationStoreException(string message, Exception? inner = null) : Exception(message, inner);
