using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.Cluster;
using PluginHost.Projects;
using PluginHost.Tests.Projects;
using PluginHost.Tests.Shared;
using StackExchange.Redis;

namespace PluginHost.Cluster.Tests;

/// <summary>The shared project-store contract on a real redis-server: every <see cref="OpenStoreAsync"/> is another
/// replica (its own connection, identity and cache).</summary>
public sealed class RedisProjectStoreTests : SharedProjectStoreContract
{
    private readonly List<ConnectionMultiplexer> _connections = [];
    private RedisServer _redis = null!;

    public override async Task InitializeAsync() => _redis = await RedisServer.StartNewAsync();

    public override async Task DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    protected override async Task<IProjectStore> OpenStoreAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(RedisEndpoint.Parse(_redis.ConnectionString));
        _connections.Add(connection);
        var bus = new ClusterBus(connection, new ReplicaIdentity($"replica-{_connections.Count}"), NullLogger<ClusterBus>.Instance);
        var store = new RedisProjectStore(connection, bus, NullLogger<RedisProjectStore>.Instance);
        await store.SubscribeAsync();
        return store;
    }

    [Fact]
    public async Task While_redis_is_away_cached_projects_still_read_from_memory_and_unknown_ones_read_empty()
    {
        var store = await OpenStoreAsync();
        await store.SetAsync(Key, ProjectValueNames.LabelConfig, "<View/>", CancellationToken.None);

        await _redis.KillAsync();
        var cached = store.GetAsync(Key, CancellationToken.None);
        Assert.True(cached.IsCompletedSuccessfully);
        Assert.Equal("<View/>", (await cached).LabelConfigXml);
        Assert.Empty((await store.GetAsync(new ProjectKey("ner", "404"), CancellationToken.None)).Values);
        await Assert.ThrowsAsync<RedisConnectionException>(async () =>
            await store.SetAsync(Key, ProjectValueNames.LabelConfig, "<View><Text/></View>", CancellationToken.None));
    }
}
