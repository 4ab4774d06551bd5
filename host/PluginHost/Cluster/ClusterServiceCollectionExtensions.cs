using PluginHost.Configuration;
using PluginHost.Projects;
using PluginHost.Training;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace PluginHost.Cluster;

/// <summary>Switches the host to cluster mode when Redis is configured (<c>REDIS_URL</c>, or <c>REDIS_HOST</c>/<c>REDIS_PORT</c>):
/// the per-project state, the annotations and the active versions move to Redis; everything else keeps its embedded implementation.</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>Registers the cluster implementations over the embedded ones; does nothing in embedded mode.</summary>
    public static IServiceCollection AddClusterMode(this IServiceCollection services, IConfiguration configuration)
    {
        var redisUrl = configuration[$"{HostSettings.Section}:{nameof(HostSettings.RedisUrl)}"];
        if (RedisEndpoint.Resolve(redisUrl, null, null) is not { } options) return services;

        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        services.AddSingleton(_ => ReplicaIdentity.FromEnvironment(Environment.GetEnvironmentVariable));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ClusterBus>();
        services.AddSingleton<ReplicaRegistry>();
        services.AddSingleton<RedisProjectStore>();
        services.AddSingleton<IProjectStore>(sp => sp.GetRequiredService<RedisProjectStore>());
        services.AddSingleton<FileActiveVersionStore>();
        services.AddSingleton<RedisActiveVersionStore>();
        services.AddSingleton<IActiveVersionStore>(sp => sp.GetRequiredService<RedisActiveVersionStore>());
        services.AddSingleton(sp => new LocalJournal(Path.Combine(sp.GetRequiredService<HostPaths>().ModelDir, "journal",
            // Stable across restarts of the same replica (a pod name, a machine), so a restart replays what it journaled.
            (Environment.GetEnvironmentVariable("REPLICA_ID") is { Length: > 0 } id ? id : Environment.MachineName) + ".annotations.journal")));
        services.AddSingleton<RedisAnnotationStore>();
        services.AddSingleton<IAnnotationStore>(sp => sp.GetRequiredService<RedisAnnotationStore>());
        services.AddHostedService<ClusterLifecycle>();
        services.AddHostedService<ClusterVersionFollower>();
        return services;
    }
}
