using PluginHost.Deployment;
using PluginHost.Tests;

namespace PluginHost.Ops.Tests;

/// <summary><c>PluginHost --healthcheck</c> (the container's HEALTHCHECK) against a real host, with basic auth on.</summary>
public sealed class HealthProbeTests
{
    [Fact]
    public async Task Probe_passes_with_the_credentials_and_fails_without_a_host()
    {
        var host = await RunningHost.StartAsync(new Dictionary<string, string?>
        {
            ["PluginHost:BasicAuthUser"] = "ls",
            ["PluginHost:BasicAuthPass"] = "secret",
        });
        var port = host.BaseAddress.Port.ToString();
        var env = new Dictionary<string, string> { ["PORT"] = port, ["BASIC_AUTH_USER"] = "ls", ["BASIC_AUTH_PASS"] = "secret" };

        try
        {
            Assert.Equal(0, await HealthProbe.RunAsync(env.GetValueOrDefault));
            Assert.Equal(1, await HealthProbe.RunAsync(n => n == "PORT" ? port : null)); // 401 without the credentials
        }
        finally
        {
            await host.DisposeAsync();
        }
        Assert.Equal(1, await HealthProbe.RunAsync(env.GetValueOrDefault)); // nothing listens any more
    }
}
