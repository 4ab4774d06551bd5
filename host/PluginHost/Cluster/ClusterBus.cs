using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace PluginHost.Cluster;

/// <summary>
/// Redis pub/sub between replicas: <see cref="PublishAsync"/> tells every other replica that something changed;
/// handlers registered with <see cref="SubscribeAsync"/> run for messages from the others (never for this replica's own).
/// Handlers run on StackExchange.Redis's delivery thread in order: they must be quick (invalidate a cache, queue an
/// activation) and must not throw (a throwing handler is logged and the next one still runs).
/// </summary>
public sealed class ClusterBus(IConnectionMultiplexer redis, ReplicaIdentity self, ILogger<ClusterBus> logger, string keyPrefix = "pluginhost")
{
    private RedisChannel Channel => RedisChannel.Literal($"{keyPrefix}:events");

    /// <summary>Publishes a message of <paramref name="kind"/> from this replica.</summary>
    public async Task PublishAsync(string kind, string? backend = null, string? project = null, string? version = null)
    {
        var message = new ClusterMessage(kind, self.Id, backend, project, version);
        await redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(message, ClusterJsonContext.Default.ClusterMessage));
    }

    /// <summary>Runs <paramref name="handler"/> for every message another replica publishes from now on.</summary>
    public async Task SubscribeAsync(Action<ClusterMessage> handler)
    {
        var queue = await SubscribeWhenConnectedAsync();
        queue.OnMessage(delivered =>
        {
            ClusterMessage? message;
            try
            {
                message = JsonSerializer.Deserialize((string)delivered.Message!, ClusterJsonContext.Default.ClusterMessage);
            }
            catch (JsonException e)
            {
                logger.LogWarning(e, "Ignored a malformed cluster message");
                return;
            }
            if (message is null || message.Sender == self.Id) return;
            try
            {
                handler(message);
            }
            catch (Exception e)
            {
                logger.LogError(e, "A handler of cluster message {Kind} failed", message.Kind);
            }
        });
    }

    /// <summary>
    /// The multiplexer reports itself connected before its subscription connection is up: a SUBSCRIBE right after
    /// connecting can fail with "no connection is active". Retried for a few seconds; a Redis that stays away still
    /// fails the call.
    /// </summary>
    private async Task<ChannelMessageQueue> SubscribeWhenConnectedAsync()
    {
        var deadline = DateTime.UtcNow + SubscribeGrace;
        while (true)
        {
            try
            {
                return await redis.GetSubscriber().SubscribeAsync(Channel);
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static readonly TimeSpan SubscribeGrace = TimeSpan.FromSeconds(5);
}
