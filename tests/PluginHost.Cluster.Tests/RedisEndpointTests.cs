using PluginHost.Cluster;

namespace PluginHost.Cluster.Tests;

public sealed class RedisEndpointTests
{
    [Fact]
    public void No_setting_means_embedded_mode() => Assert.Null(RedisEndpoint.Resolve(null, "", null));

    [Fact]
    public void A_redis_url_gives_host_port_credentials_and_database()
    {
        var options = RedisEndpoint.Resolve("redis://app:s%40cret@cache.internal:6380/2", null, null)!;
        Assert.Equal("cache.internal:6380", options.EndPoints.Single().ToString()!.Replace("Unspecified/", ""));
        Assert.Equal("app", options.User);
        Assert.Equal("s@cret", options.Password);
        Assert.Equal(2, options.DefaultDatabase);
        Assert.False(options.Ssl);
        Assert.False(options.AbortOnConnectFail);
        Assert.Same(StackExchange.Redis.BacklogPolicy.FailFast, options.BacklogPolicy);
    }

    [Fact]
    public void Rediss_turns_tls_on_and_a_password_alone_is_accepted()
    {
        var options = RedisEndpoint.Parse("rediss://:pw@r.example:6379");
        Assert.True(options.Ssl);
        Assert.Equal("pw", options.Password);
        Assert.Null(options.User);
    }

    [Fact]
    public void The_python_sdk_host_and_port_still_work_and_the_url_wins()
    {
        Assert.Equal("10.0.0.5:6379", RedisEndpoint.Resolve(null, "10.0.0.5", null)!.EndPoints.Single().ToString());
        Assert.Equal("10.0.0.5:7000", RedisEndpoint.Resolve(null, "10.0.0.5", "7000")!.EndPoints.Single().ToString());
        Assert.Equal("127.0.0.1:1", RedisEndpoint.Resolve("127.0.0.1:1", "10.0.0.5", "7000")!.EndPoints.Single().ToString());
    }

    [Theory]
    [InlineData("redis://")]
    [InlineData("redis://host:6379/notadb")]
    [InlineData("password=only")]
    public void Nonsense_is_a_format_error(string value) => Assert.Throws<FormatException>(() => RedisEndpoint.Parse(value));

    [Fact]
    public void Passwords_are_redacted_for_logs() =>
        Assert.Equal("redis://***@cache:6379", RedisEndpoint.Redact("redis://user:pw@cache:6379"));
}
