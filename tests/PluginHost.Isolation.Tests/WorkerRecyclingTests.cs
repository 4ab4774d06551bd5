using Microsoft.Extensions.Configuration;
using PluginHost.Tests;

namespace PluginHost.Isolation.Tests;

/// <summary>The supervisor replaces a healthy worker when it must: a native leak past the memory limit, or new settings.</summary>
public sealed class WorkerRecyclingTests
{
    [Fact]
    public async Task A_worker_above_the_memory_limit_is_replaced_by_a_fresh_one()
    {
        await using var host = await IsolatedHost.StartAsync(new Dictionary<string, string?>
        {
            ["Backends:substring_isolated:Enabled"] = "false",
            ["PluginHost:DefaultBackend"] = "substring",
            ["PluginHost:Isolation:LivenessIntervalSeconds"] = "0.2",
            // Every worker is larger than 1 MB: the first health check after its start replaces it.
            ["PluginHost:Isolation:MaxWorkerMemoryMegabytes"] = "1",
        });
        var first = (int)(await IsolatedHost.WorkerAsync(host, "nativecrash"))!["pid"]!;

        var replaced = await IsolatedHost.PollAsync(() => IsolatedHost.WorkerAsync(host, "nativecrash"),
            w => w!["last_exit_reason"] is not null && w["pid"] is not null && (int?)w["pid"] != first, TimeSpan.FromSeconds(30), "a recycled nativecrash worker");
        Assert.StartsWith("recycled: ", (string?)replaced!["last_exit_reason"]);
        Assert.Contains("MaxWorkerMemoryMegabytes (1)", (string?)replaced["last_exit_reason"]);
        Assert.Equal(0, (int)replaced["last_exit_code"]!); // it stopped cleanly: stdin closed, not killed
    }

    [Fact]
    public async Task A_changed_backend_section_replaces_only_that_backends_worker()
    {
        await using var host = await IsolatedHost.StartAsync();
        var crashPid = (int)(await IsolatedHost.WorkerAsync(host, "nativecrash"))!["pid"]!;
        var otherPid = (int)(await IsolatedHost.WorkerAsync(host, "substring_isolated"))!["pid"]!;

        var configuration = (IConfigurationRoot)host.Get<IConfiguration>();
        configuration["Backends:nativecrash:Settings:Anything"] = "changed";
        configuration.Reload();

        var replaced = await IsolatedHost.PollAsync(() => IsolatedHost.WorkerAsync(host, "nativecrash"),
            w => (string?)w!["state"] == "running" && w["pid"] is not null && (int?)w["pid"] != crashPid, TimeSpan.FromSeconds(30), "a new nativecrash worker");
        Assert.Equal("recycled: Backends:nativecrash changed", (string?)replaced!["last_exit_reason"]);
        Assert.Equal(1, (int)replaced["restarts"]!);
        Assert.Equal(otherPid, (int)(await IsolatedHost.WorkerAsync(host, "substring_isolated"))!["pid"]!);
        var (status, body) = await host.PostAsync("/nativecrash/predict", """{"tasks":[{"id":1,"data":{}}]}""");
        Assert.True(status == 200, body.ToJsonString());
    }
}
