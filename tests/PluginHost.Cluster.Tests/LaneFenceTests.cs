using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.Tests.Shared;
using PluginHost.Training;
using StackExchange.Redis;

namespace PluginHost.Cluster.Tests;

/// <summary>Fencing on activation: a training replica whose lane lease expired while it was paused (and went to another
/// replica) cannot move the active pointer; the new owner can.</summary>
public sealed class LaneFenceTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;
    private RedisLease _lease = null!;
    private RedisActiveVersionStore _store = null!;
    private string _modelDir = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(RedisEndpoint.Parse(_redis.ConnectionString));
        _lease = new RedisLease(_connection, "test");
        _modelDir = Directory.CreateTempSubdirectory("pluginhost-fence-").FullName;
        var paths = new HostPaths(Options.Create(new HostSettings { ModelDir = _modelDir }));
        _store = new RedisActiveVersionStore(_connection, new ClusterBus(_connection, new ReplicaIdentity("a"), NullLogger<ClusterBus>.Instance, "test"),
            new FileActiveVersionStore(paths, NullLogger<FileActiveVersionStore>.Instance), paths, NullLogger<RedisActiveVersionStore>.Instance, "test");
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
        Directory.Delete(_modelDir, recursive: true);
    }

    [Fact]
    public async Task A_stale_owner_whose_lease_expired_cannot_activate_and_the_new_owner_can()
    {
        const string lane = "train:slowtrainer:6";
        var stale = await _lease.TryAcquireAsync(lane, "replica-a", TimeSpan.FromMilliseconds(200));
        Assert.NotNull(stale);
        var staleFence = new LaneFence(_store, stale, _lease.LeaseKey(lane));
        await staleFence.SetActiveAsync("slowtrainer", "6", Version("v1"), CancellationToken.None);
        Assert.Equal("v1", await _store.ReadPointerAsync("slowtrainer", "6"));

        // replica-a "pauses" past its lease; replica-b takes the lane.
        var next = await AcquireWhenFreeAsync(lane, "replica-b");
        Assert.True(next.FencingToken > stale.FencingToken);

        var refused = await Assert.ThrowsAsync<ModelActivationException>(() =>
            staleFence.SetActiveAsync("slowtrainer", "6", Version("v2"), CancellationToken.None));
        Assert.Contains("lost the training lease", refused.Message);
        Assert.Equal("v1", await _store.ReadPointerAsync("slowtrainer", "6"));

        await new LaneFence(_store, next, _lease.LeaseKey(lane)).SetActiveAsync("slowtrainer", "6", Version("v3"), CancellationToken.None);
        Assert.Equal("v3", await _store.ReadPointerAsync("slowtrainer", "6"));
        Assert.Contains(("slowtrainer", "6", "v3"), await _store.ListPointersAsync());
    }

    [Fact]
    public async Task A_released_lease_fences_too()
    {
        const string lane = "train:slowtrainer:7";
        var grant = await _lease.TryAcquireAsync(lane, "replica-a", TimeSpan.FromSeconds(30));
        Assert.NotNull(grant);
        await _lease.ReleaseAsync(grant);
        await Assert.ThrowsAsync<ModelActivationException>(() =>
            new LaneFence(_store, grant, _lease.LeaseKey(lane)).SetActiveAsync("slowtrainer", "7", Version("v1"), CancellationToken.None));
        Assert.Null(await _store.ReadPointerAsync("slowtrainer", "7"));
    }

    private ActiveModel Version(string name)
    {
        var directory = Path.Combine(_modelDir, "slowtrainer", "6", name);
        Directory.CreateDirectory(directory);
        return new ActiveModel(name, directory);
    }

    private async Task<LeaseGrant> AcquireWhenFreeAsync(string lane, string owner)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (await _lease.TryAcquireAsync(lane, owner, TimeSpan.FromSeconds(30)) is { } grant) return grant;
            await Task.Delay(20);
        }
        throw new TimeoutException($"{lane} never expired");
    }
}
