using PluginHost.Sdk.Data;

namespace PluginHost.Http;

/// <summary>Finds a task-data fetch the network guard refused inside whatever a backend wrapped it in.</summary>
internal static class TaskDataRefusal
{
    public static TaskDataException? Find(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 16; depth++)
        {
            switch (exception)
            {
                case TaskDataException { IsRefusedByPolicy: true } refused:
                    return refused;
                case AggregateException aggregate:
                    foreach (var inner in aggregate.InnerExceptions)
                        if (Find(inner) is { } found) return found;
                    return null;
                default:
                    exception = exception.InnerException;
                    break;
            }
        }
        return null;
    }
}
