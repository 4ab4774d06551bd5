using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.Http;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Data;

/// <summary>
/// Task-data access for every backend: one <see cref="ITaskDataResolver"/> (and its download cache) in the host,
/// forwarded into each backend's services; Label Studio's address and token are remembered from each <c>/setup</c>.
/// Options: the Python SDK's environment names, then <c>PluginHost:LabelStudioUrl</c>/<c>LabelStudioApiKey</c>,
/// then the <c>TaskData</c> section (see docs/detector.md).
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
        services.AddSingleton<ISetupObserver, RememberLabelStudioConnection>();
        return services;
    }

    private sealed class RememberLabelStudioConnection(ILabelStudioConnections connections) : ISetupObserver
    {
        public void OnSetup(string backend, ProjectRef project, Sdk.Protocol.SetupRequest request) =>
            connections.Remember(project, request.Hostname, request.AccessToken);
    }
}
