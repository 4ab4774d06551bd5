using StackExchange.Redis;

namespace PluginHost.Cluster;

/// <summary>
/// The replicas of the cluster, by heartbeat: each replica writes its entry every few seconds (a sorted set scored by
/// the last beat, plus a hash with its details that expires on its own); a replica that stops beating drops out of
/// <see cref="ListAsync"/> after <see cref="Liveness"/>. Shown on <c>/health</c>, the same from every replica.
/// </summary>
public sealed class ReplicaRegistry(IConnectionMultiplexer redis, TimeProvider time, string keyPrefix = "pluginhost")
{
    /// <summary>How long after its last heartbeat a replica still counts as alive.</summary>
    public static readonly TimeSpan Liveness = TimeSpan.FromSeconds(15);

    private RedisKey SetKey => $"{keyPrefix}:replicas";

    private RedisKey DetailsKey(string id) => $"{keyPrefix}:replica:{id}";

    /// <summary>Records one heartbeat of <paramref name="self"/>.</summary>
    public async Task BeatAsync(ReplicaIdentity self, bool ready, string? url)
    {
        var now = time.GetUtcNow();
        var database = redis.GetDatabase();
        var batch = database.CreateBatch();
        var tasks = new List<Task>
        {
            batch.SortedSetAddAsync(SetKey, self.Id, now.ToUnixTimeMilliseconds()),
            batch.HashSetAsync(DetailsKey(self.Id),
            [
                new("started", self.StartedAt.ToUnixTimeMilliseconds()),
                new("ready", ready ? 1 : 0),
                new("url", url ?? ""),
            ]),
            batch.KeyExpireAsync(DetailsKey(self.Id), Liveness * 2),
            // The dead are swept by whoever beats: no replica has to be the janitor.
            batch.SortedSetRemoveRangeByScoreAsync(SetKey, double.NegativeInfinity, (now - Liveness * 4).ToUnixTimeMilliseconds()),
        };
        batch.Execute();
        await Task.WhenAll(tasks);
    }

    /// <summary>Removes <paramref name="self"/> at once (a clean shutdown), instead of waiting for its entry to age out.</summary>
    public async Task LeaveAsync(ReplicaIdentity self)
    {
        var database = redis.GetDatabase();
        await database.SortedSetRemoveAsync(SetKey, self.Id);
        await database.KeyDeleteAsync(DetailsKey(self.Id));
    }

    /// <summary>The live replicas (heard of within <see cref="Liveness"/>), by id.</summary>
    public async Task<IReadOnlyList<ReplicaInfo>> ListAsync()
    {
        var database = redis.GetDatabase();
        var since = (time.GetUtcNow() - Liveness).ToUnixTimeMilliseconds();
        var entries = await database.SortedSetRangeByScoreWithScoresAsync(SetKey, since, double.PositiveInfinity);
        var replicas = new List<ReplicaInfo>(entries.Length);
        foreach (var entry in entries)
        {
            var id = (string)entry.Element!;
            var details = (await database.HashGetAllAsync(DetailsKey(id))).ToDictionary(e => (string)e.Name!, e => e.Value);
            replicas.Add(new ReplicaInfo(
                id,
                DateTimeOffset.FromUnixTimeMilliseconds(details.TryGetValue("started", out var s) ? (long)s : 0),
                DateTimeOffset.FromUnixTimeMilliseconds((long)entry.Score),
                details.TryGetValue("ready", out var r) && (long)r == 1,
                details.TryGetValue("url", out var u) && !u.IsNullOrEmpty ? (string?)u : null));
        }
        return replicas.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
    }
}
