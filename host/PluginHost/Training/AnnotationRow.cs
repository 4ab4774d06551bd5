using System.Text.Json;
using PluginHost.Sdk.Json;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Training;

/// <summary>
/// One annotation as an annotation store keeps it: the ids it is filed under, its JSON, whether it was cancelled, and
/// its task's JSON (stripped of annotations, drafts and predictions) the first time the task appears in a batch. The
/// id rules every store follows live here: the task id comes from the task, else the annotation; an annotation without
/// an id (a hand-written <c>/train</c> body) gets a stable negative one per task and position.
/// </summary>
public sealed record AnnotationRow(long TaskId, string? TaskJson, long AnnotationId, string AnnotationJson, bool WasCancelled)
{
    /// <summary>The rows of a batch, in order. Throws <see cref="TrainingDataException"/> for an annotation with no task.</summary>
    public static IReadOnlyList<AnnotationRow> From(IEnumerable<(LabelStudioTask? Task, Annotation Annotation)> items)
    {
        var rows = new List<AnnotationRow>();
        var seenTasks = new HashSet<long>();
        var positions = new Dictionary<long, int>();
        foreach (var (task, annotation) in items)
        {
            var id = task?.Id is > 0 ? task.Id : annotation.TaskId;
            if (id is not { } taskId)
                throw new TrainingDataException($"Annotation {annotation.Id?.ToString() ?? "(no id)"} names no task: send 'task' with the annotation.");
            var taskJson = task is not null && seenTasks.Add(taskId) ? JsonSerializer.Serialize(Strip(task), SdkJson.Context.LabelStudioTask) : null;
            var position = positions[taskId] = positions.GetValueOrDefault(taskId) + 1;
            rows.Add(new AnnotationRow(taskId, taskJson, annotation.Id ?? -(taskId * 1000 + position),
                JsonSerializer.Serialize(annotation, SdkJson.Context.Annotation), annotation.WasCancelled));
        }
        return rows;
    }

    /// <summary>The task without its annotations, drafts and predictions: those are stored (or not) on their own.</summary>
    internal static LabelStudioTask Strip(LabelStudioTask task) => new()
    {
        Id = task.Id,
        Data = task.Data,
        Meta = task.Meta,
        Project = task.Project,
    };
}
