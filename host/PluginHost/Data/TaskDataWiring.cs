using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.Http;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Data;

/// <summary>
/// Label Studio access for the host and every backend: one <see cref="ILabelStudioConnections"/> registry (fed by each
/// <c>/setup</c>), one <see cref="ILabelStudioApi"/> and one <see cref="ITaskDataResolver"/> (and its download cache),
/// forwarded into each backend's services; training pulls use the same registry and API client.
/// Options: the Python SDK's environment names, then <c>PluginHost:LabelStudioUrl</c>/<c>LabelStudioApiKey</c>,
/// then the <c>TaskData</c> section (see docs/label-studio-access.md).
/// </summary>
public static class TaskDataWiring
{
    public static IServiceCollection AddTaskDataForBackends(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTaskDataAccess(options =>
        {
            var host = configuration.GetSection(HostSettings.Section);
            if (host[nameof(HostSettings.LabelStudioUrl)] is { Length: > 0 } url) options.LabelStudioUrl = url;
            if (host[nameof(HostSettings.LabelStudioApiKey)] is { Length: > 0 } key) options.ApiKey = key;
            configuration.GetSection("TaskData").Bind(options);
        });
        services.ShareWithBackends<ITaskDataResolver>();
        services.ShareWithBackends<ILabelStudioConnections>();
        services.ShareWithBackends<ILabelStudioApi>();
        services.AddSingleton<ISetupObserver, RememberLabelStudioConnection>();
        return services;
    }

    private sealed class RememberLabelStudioConnection(ILabelStudioConnections connections) : ISetupObserver
    {
        public ValueTask OnSetupAsync(string backend, ProjectRef project, Sdk.Protocol.SetupRequest request, CancellationToken cancellationToken)
        {
            connections.Remember(project, request.Hostname, request.AccessToken);
            return ValueTask.CompletedTask;
        }
    }
}
