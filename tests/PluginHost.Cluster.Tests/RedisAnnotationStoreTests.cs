using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.Sdk.Protocol;
using PluginHost.Tests.Shared;
using StackExchange.Redis;

namespace PluginHost.Cluster.Tests;

public sealed class RedisAnnotationStoreTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("annotations-").FullName;
    private readonly List<ConnectionMultiplexer> _connections = [];
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartNewAsync();

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
        await _redis.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A store of one replica: its own connection and its own journal file.</summary>
    private async Task<RedisAnnotationStore> OpenAsync(string replica = "a")
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(RedisEndpoint.Parse(_redis.ConnectionString));
        _connections.Add(connection);
        return new RedisAnnotationStore(connection, new LocalJournal(Path.Combine(_dir, $"{replica}.journal")), NullLogger<RedisAnnotationStore>.Instance);
    }

    private static (LabelStudioTask?, Annotation) Item(long task, long annotation, string text, bool cancelled = false) =>
        (new LabelStudioTask { Id = task, Data = new() { ["text"] = JsonSerializer.SerializeToElement(text) } },
         new Annotation { Id = annotation, WasCancelled = cancelled });

    [Fact]
    public async Task Annotations_written_on_one_replica_are_read_on_another_in_order_without_cancelled_ones()
    {
        var a = await OpenAsync("a");
        var b = await OpenAsync("b");
        Assert.Equal(3, await a.UpsertAsync("6", [Item(2, 21, "two"), Item(1, 11, "one"), Item(3, 31, "skipped", cancelled: true)], CancellationToken.None));
        Assert.Equal(1, await b.UpsertAsync("6", [Item(1, 12, "one again")], CancellationToken.None));

        var examples = await b.LoadExamplesAsync("6", CancellationToken.None);
        Assert.Equal([(1L, 11L), (1L, 12L), (2L, 21L)], examples.Select(e => (e.Task.Id, e.Annotation.Id!.Value)));
        Assert.Equal("one again", examples[1].Task.GetData("text"));   // the task's latest copy
        Assert.Equal(3, await a.CountAnnotationsAsync("6", CancellationToken.None));
        Assert.Empty(await a.LoadExamplesAsync("7", CancellationToken.None));

        await a.DeleteAsync("6", [11, 999], CancellationToken.None);
        Assert.Equal([12L, 21L], (await b.LoadExamplesAsync("6", CancellationToken.None)).Select(e => e.Annotation.Id!.Value));

        await b.ReplaceProjectAsync("6", [new LabelStudioTask { Id = 9, Annotations = [new Annotation { Id = 91 }] }], CancellationToken.None);
        Assert.Equal([91L], (await a.LoadExamplesAsync("6", CancellationToken.None)).Select(e => e.Annotation.Id!.Value));
    }

    [Fact]
    public async Task Writes_while_redis_is_away_are_journaled_and_replayed_in_order_when_it_returns()
    {
        var store = await OpenAsync();
        await store.UpsertAsync("6", [Item(1, 11, "before")], CancellationToken.None);

        await _redis.KillAsync();
        // Label Studio sends each webhook once: every write is accepted (journaled), none throws.
        Assert.Equal(1, await store.UpsertAsync("6", [Item(2, 21, "during")], CancellationToken.None));
        Assert.Equal(1, await store.DeleteAsync("6", [11], CancellationToken.None));
        Assert.Equal(1, await store.UpsertAsync("6", [Item(3, 31, "during too")], CancellationToken.None));

        await _redis.StartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        IReadOnlyList<long> ids = [];
        while (!ids.SequenceEqual([21L, 31L]))
        {
            Assert.True(DateTime.UtcNow < deadline, $"after Redis returned the store holds [{string.Join(", ", ids)}]");
            await Task.Delay(50);
            try { ids = (await store.LoadExamplesAsync("6", CancellationToken.None)).Select(e => e.Annotation.Id!.Value).ToList(); }
            catch (RedisConnectionException) { }
        }
    }

    [Fact]
    public async Task A_restarted_replica_replays_what_it_journaled_before_it_died()
    {
        var before = await OpenAsync("a");
        await _redis.KillAsync();
        await before.UpsertAsync("6", [Item(5, 51, "journaled")], CancellationToken.None);

        // The replica process dies with Redis away; Redis returns; the replica starts again on the same journal.
        await _connections[0].CloseAsync();
        await _redis.StartAsync();
        var after = await OpenAsync("a");
        Assert.Equal(1, await after.ReplayAsync(CancellationToken.None));
        Assert.Equal([51L], (await after.LoadExamplesAsync("6", CancellationToken.None)).Select(e => e.Annotation.Id!.Value));
    }
}
