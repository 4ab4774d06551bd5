using PluginHost.Configuration;
using PluginHost.Projects;
using PluginHost.Training;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace PluginHost.Cluster;

/// <summary>Switches the host to cluster mode when Redis is configured (<c>REDIS_URL</c>, or <c>REDIS_HOST</c>/<c>REDIS_PORT</c>):
/// the per-project state, the annotations, the active versions and the training queue move to Redis; everything else keeps its embedded implementation.</summary>
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
        services.AddSingleton(sp => Journal(sp, "annotations"));
        services.AddSingleton<RedisAnnotationStore>();
        services.AddSingleton<IAnnotationStore>(sp => sp.GetRequiredService<RedisAnnotationStore>());
        services.AddSingleton(sp => new RedisLease(sp.GetRequiredService<IConnectionMultiplexer>()));
        var leaseSeconds = double.TryParse(configuration[$"{HostSettings.Section}:Cluster:TrainingLeaseSeconds"], System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 10;
        services.AddSingleton(sp => new RedisTrainingQueue(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisLease>(),
            sp.GetRequiredService<ClusterBus>(), sp.GetRequiredService<ReplicaIdentity>(), sp.GetRequiredService<RedisActiveVersionStore>(),
            sp.GetRequiredService<ModelStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisTrainingQueue>>(),
            TimeSpan.FromSeconds(leaseSeconds), deferredRequests: Journal(sp, "training")));
        services.AddSingleton<ITrainingQueue>(sp => sp.GetRequiredService<RedisTrainingQueue>());
        services.AddSingleton<ClusterReadiness>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterReadiness>());
        services.AddSingleton<ClusterHealthReporter>();
        services.AddHostedService<ClusterLifecycle>();
        services.AddHostedService<ClusterVersionFollower>();
        return services;
    }

    /// <summary>This replica's journal of one kind of write that must survive a Redis outage. The name is stable across
    /// restarts of the same replica (a pod name, a machine), so a restart replays what it journaled.</summary>
    private static LocalJournal Journal(IServiceProvider services, string kind) =>
        new(Path.Combine(services.GetRequiredService<HostPaths>().ModelDir, "journal",
            (Environment.GetEnvironmentVariable("REPLICA_ID") is { Length: > 0 } id ? id : Environment.MachineName) + $".{kind}.journal"));
}
