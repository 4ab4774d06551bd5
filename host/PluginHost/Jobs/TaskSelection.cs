namespace PluginHost.Jobs;

/// <summary>Which tasks of a project a job predicts: all of them, those of a Data Manager view, or listed ids.</summary>
public sealed record TaskSelection(string Kind, long? View = null, IReadOnlyList<long>? TaskIds = null)
{
    public const string AllKind = "all";
    public const string ViewKind = "view";
    public const string TasksKind = "tasks";

    public static TaskSelection All { get; } = new(AllKind);

    public static TaskSelection OfView(long view) => new(ViewKind, view);

    public static TaskSelection OfTasks(IReadOnlyList<long> ids) => new(TasksKind, TaskIds: ids);

    public string Describe() => Kind switch
    {
        ViewKind => $"view {View}",
        TasksKind => $"{TaskIds?.Count ?? 0} listed task(s)",
        _ => "all tasks",
    };

    /// <summary>Whether two selections pick the same tasks (the CLI resumes a job of the same selection).</summary>
    public bool SameAs(TaskSelection other) =>
        Kind == other.Kind && View == other.View && (TaskIds ?? []).SequenceEqual(other.TaskIds ?? []);
}
