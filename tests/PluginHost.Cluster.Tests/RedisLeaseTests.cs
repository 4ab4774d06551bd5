using PluginHost.Cluster;
using PluginHost.Tests.Shared;
using StackExchange.Redis;

namespace PluginHost.Cluster.Tests;

public sealed class RedisLeaseTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;
    private RedisLease _lease = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(RedisEndpoint.Parse(_redis.ConnectionString));
        _lease = new RedisLease(_connection, "test");
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Only_one_owner_holds_a_lease_and_tokens_grow_with_every_grant()
    {
        var first = await _lease.TryAcquireAsync("train:ner:1", "replica-a", TimeSpan.FromSeconds(30));
        var second = await _lease.TryAcquireAsync("train:ner:1", "replica-b", TimeSpan.FromSeconds(30));
        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(first, await _lease.GetHolderAsync("train:ner:1"));

        await _lease.ReleaseAsync(first);
        var third = await _lease.TryAcquireAsync("train:ner:1", "replica-b", TimeSpan.FromSeconds(30));
        Assert.NotNull(third);
        Assert.True(third.FencingToken > first.FencingToken);
        Assert.False(await _lease.IsHeldAsync(first));
        Assert.True(await _lease.IsHeldAsync(third));
    }

    [Fact]
    public async Task An_expired_lease_goes_to_the_next_owner_and_the_old_owner_can_neither_renew_nor_release_it()
    {
        var stale = await _lease.TryAcquireAsync("train:tc:7", "replica-a", TimeSpan.FromMilliseconds(150));
        Assert.NotNull(stale);

        LeaseGrant? next = null;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (next is null && DateTime.UtcNow < deadline)
        {
            next = await _lease.TryAcquireAsync("train:tc:7", "replica-b", TimeSpan.FromSeconds(30));
            if (next is null) await Task.Delay(20);
        }
        Assert.NotNull(next);

        Assert.False(await _lease.RenewAsync(stale, TimeSpan.FromSeconds(30)));
        await _lease.ReleaseAsync(stale);
        Assert.True(await _lease.IsHeldAsync(next));
        Assert.True(await _lease.RenewAsync(next, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Renewal_extends_the_time_to_live_of_the_holder_only()
    {
        var grant = await _lease.TryAcquireAsync("train:x:1", "replica-a", TimeSpan.FromSeconds(2));
        Assert.NotNull(grant);
        var database = _connection.GetDatabase();
        Assert.True(await database.KeyTimeToLiveAsync(_lease.LeaseKey("train:x:1")) <= TimeSpan.FromSeconds(2));

        Assert.True(await _lease.RenewAsync(grant, TimeSpan.FromMinutes(5)));
        Assert.True(await database.KeyTimeToLiveAsync(_lease.LeaseKey("train:x:1")) > TimeSpan.FromMinutes(4));
        Assert.False(await _lease.RenewAsync(grant with { FencingToken = grant.FencingToken + 1 }, TimeSpan.FromMinutes(5)));
        Assert.Null(await _lease.TryAcquireAsync("train:x:1", "replica-b", TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task While_redis_is_away_a_command_fails_fast_and_works_again_when_it_returns()
    {
        await _redis.KillAsync();
        // Fails as "no connection" at once, not as a timeout after waiting in the backlog.
        await Assert.ThrowsAsync<RedisConnectionException>(() => _lease.TryAcquireAsync("n", "a", TimeSpan.FromSeconds(1)));

        await _redis.StartAsync();
        LeaseGrant? grant = null;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (grant is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the connection did not come back within 20 s");
            try { grant = await _lease.TryAcquireAsync("n", "a", TimeSpan.FromSeconds(1)); }
            catch (RedisException) { await Task.Delay(50); }
        }
    }

    [Fact]
    public async Task An_owner_id_with_the_separator_is_refused() =>
        await Assert.ThrowsAsync<ArgumentException>(() => _lease.TryAcquireAsync("n", "a|b", TimeSpan.FromSeconds(1)));
}
