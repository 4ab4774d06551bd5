using PluginHost.Sdk.Protocol;

namespace PluginHost.Jobs.LabelStudio;

/// <summary>One page of <c>GET /api/tasks/?project=&amp;page=&amp;page_size=&amp;fields=all</c>:
/// <c>{"tasks":[…],"total":N,"total_annotations":…,"total_predictions":…}</c>.</summary>
public sealed class TaskPage
{
    public List<LabelStudioTask> Tasks { get; init; } = [];

    public int? Total { get; init; }
}
