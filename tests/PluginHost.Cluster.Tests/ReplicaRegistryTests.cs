using PluginHost.Cluster;
using PluginHost.Tests.Shared;
using StackExchange.Redis;

namespace PluginHost.Cluster.Tests;

public sealed class ReplicaRegistryTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(RedisEndpoint.Parse(_redis.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Live_replicas_are_listed_with_their_details_and_silent_ones_drop_out()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var registry = new ReplicaRegistry(_connection, clock);
        var a = new ReplicaIdentity("replica-a");
        var b = new ReplicaIdentity("replica-b");

        await registry.BeatAsync(a, ready: true, "http://10.1.0.1:9090");
        await registry.BeatAsync(b, ready: false, null);
        var both = await registry.ListAsync();
        Assert.Equal(["replica-a", "replica-b"], both.Select(r => r.Id));
        Assert.True(both[0].Ready);
        Assert.Equal("http://10.1.0.1:9090", both[0].Url);
        Assert.False(both[1].Ready);
        Assert.Null(both[1].Url);

        clock.Now += ReplicaRegistry.Liveness / 2;
        await registry.BeatAsync(a, ready: true, null);
        clock.Now += ReplicaRegistry.Liveness / 2 + TimeSpan.FromSeconds(1);   // b has been silent longer than Liveness
        Assert.Equal(["replica-a"], (await registry.ListAsync()).Select(r => r.Id));

        await registry.LeaveAsync(a);
        Assert.Empty(await registry.ListAsync());
    }

    [Fact]
    public void A_replica_id_from_the_environment_wins_and_otherwise_is_unique()
    {
        Assert.Equal("pod-7", ReplicaIdentity.FromEnvironment(n => n == "REPLICA_ID" ? "pod-7" : null).Id);
        var one = ReplicaIdentity.FromEnvironment(_ => null);
        var two = ReplicaIdentity.FromEnvironment(_ => null);
        Assert.NotEqual(one.Id, two.Id);
        Assert.Throws<ArgumentException>(() => new ReplicaIdentity(""));
    }
}
