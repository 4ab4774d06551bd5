using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.Cluster;
using PluginHost.Tests.Shared;
using StackExchange.Redis;

namespace PluginHost.Cluster.Tests;

public sealed class ClusterBusTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _first = null!;
    private ConnectionMultiplexer _second = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _first = await ConnectionMultiplexer.ConnectAsync(RedisEndpoint.Parse(_redis.ConnectionString));
        _second = await ConnectionMultiplexer.ConnectAsync(RedisEndpoint.Parse(_redis.ConnectionString));
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Other_replicas_hear_a_message_and_the_sender_does_not()
    {
        var a = new ClusterBus(_first, new ReplicaIdentity("a"), NullLogger<ClusterBus>.Instance);
        var b = new ClusterBus(_second, new ReplicaIdentity("b"), NullLogger<ClusterBus>.Instance);
        var heardByA = new ConcurrentQueue<ClusterMessage>();
        var heardByB = new ConcurrentQueue<ClusterMessage>();
        await a.SubscribeAsync(heardByA.Enqueue);
        await b.SubscribeAsync(m =>
        {
            if (m.Kind == "boom") throw new InvalidOperationException("a handler that throws must not stop delivery");
            heardByB.Enqueue(m);
        });

        await a.PublishAsync("boom");
        await a.PublishAsync(ClusterMessageKinds.VersionActivated, "ner", "7", "v3");
        await b.PublishAsync(ClusterMessageKinds.ProjectChanged, project: "7");

        await WaitUntil(() => heardByB.Count == 1 && heardByA.Count == 1);
        Assert.Equal(new ClusterMessage(ClusterMessageKinds.VersionActivated, "a", "ner", "7", "v3"), heardByB.Single());
        Assert.Equal(new ClusterMessage(ClusterMessageKinds.ProjectChanged, "b", null, "7", null), heardByA.Single());
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 10 s");
            await Task.Delay(10);
        }
    }
}
