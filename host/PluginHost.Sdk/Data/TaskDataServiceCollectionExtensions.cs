using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PluginHost.Sdk.Data;

internal static class TaskDataServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ITaskDataResolver"/>, <see cref="ILabelStudioConnections"/> and <see cref="ILabelStudioApi"/>
    /// as singletons. Options start from the Python SDK's environment variables (<see cref="TaskDataOptions.ApplyEnvironment"/>),
    /// then <paramref name="configure"/> runs.
    /// </summary>
    public static IServiceCollection AddTaskDataAccess(this IServiceCollection services, Action<TaskDataOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<TaskDataOptions>().Configure(o => o.ApplyEnvironment());
        if (configure is not null) options.Configure(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ILabelStudioConnections, LabelStudioConnections>();
        services.TryAddSingleton<ILabelStudioApi, LabelStudioApiClient>();
        services.TryAddSingleton<TaskDataResolver>();
        services.TryAddSingleton<ITaskDataResolver>(sp => sp.GetRequiredService<TaskDataResolver>());
        return services;
    }
}
