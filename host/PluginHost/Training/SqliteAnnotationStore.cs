using System.Text.Json;
using Microsoft.Data.Sqlite;
using PluginHost.Sdk.Json;
using PluginHost.Sdk.Protocol;
using PluginHost.Sdk.Training;

namespace PluginHost.Training;

/// <summary>The embedded <see cref="IAnnotationStore"/>: tables <c>tasks</c> and <c>annotations</c> of <see cref="SqliteDatabase"/>.</summary>
public sealed class SqliteAnnotationStore(SqliteDatabase database) : IAnnotationStore
{
    public Task<int> UpsertAsync(string projectId, IReadOnlyList<(LabelStudioTask? Task, Annotation Annotation)> items, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        var count = UpsertCore(connection, transaction, projectId, items);
        transaction.Commit();
        return Task.FromResult(count);
    }

    public Task<int> ReplaceProjectAsync(string projectId, IReadOnlyList<LabelStudioTask> tasks, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        SqliteDatabase.Execute(connection, "DELETE FROM annotations WHERE project = $p; DELETE FROM tasks WHERE project = $p;", transaction, ("$p", projectId));
        var items = tasks.SelectMany(t => (t.Annotations ?? []).Select(a => ((LabelStudioTask?)t, a)));
        var count = UpsertCore(connection, transaction, projectId, items);
        transaction.Commit();
        return Task.FromResult(count);
    }

    public Task<int> DeleteAsync(string projectId, IReadOnlyList<long> annotationIds, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
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
        return Task.FromResult(deleted);
    }

    public Task<IReadOnlyList<TrainingExample>> LoadExamplesAsync(string projectId, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
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
        return Task.FromResult<IReadOnlyList<TrainingExample>>(examples);
    }

    public Task<int> CountAnnotationsAsync(string projectId, CancellationToken cancellationToken)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM annotations WHERE project = $p AND was_cancelled = 0";
        command.Parameters.AddWithValue("$p", projectId);
        return Task.FromResult(Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
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
        upsertTask.Parameters.AddWithValue("$t", SqliteDatabase.Now());

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
        upsertAnnotation.Parameters.AddWithValue("$t", SqliteDatabase.Now());

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
                taskJson.Value = JsonSerializer.Serialize(AnnotationRow.Strip(task), SdkJson.Context.LabelStudioTask);
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
}
