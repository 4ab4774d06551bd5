using System.Runtime.InteropServices;
using PluginHost.Tests;

namespace PluginHost.Isolation.Tests;

/// <summary>A worker that stops answering (here: stopped with SIGSTOP, as a deadlock or a stuck native call would look
/// from outside) fails its health checks, is killed and restarted.</summary>
public sealed class HungWorkerTests
{
    private const int SigStop = 19;

    [Fact]
    public async Task A_worker_that_stops_answering_is_killed_and_replaced()
    {
        await using var host = await IsolatedHost.StartAsync(new Dictionary<string, string?>
        {
            ["Backends:substring_isolated:Enabled"] = "false",
            ["PluginHost:DefaultBackend"] = "substring",
            ["PluginHost:Isolation:LivenessIntervalSeconds"] = "0.2",
            ["PluginHost:Isolation:LivenessTimeoutSeconds"] = "0.5",
            ["PluginHost:Isolation:LivenessFailures"] = "2",
        });
        var hung = (int)(await IsolatedHost.WorkerAsync(host, "nativecrash"))!["pid"]!;
        Assert.Equal(0, Kill(hung, SigStop));

        var replaced = await IsolatedHost.PollAsync(() => IsolatedHost.WorkerAsync(host, "nativecrash"),
            w => (string?)w!["state"] == "running" && w["pid"] is not null && (int?)w["pid"] != hung, TimeSpan.FromSeconds(30), "a new nativecrash worker");
        Assert.Equal("SIGKILL", (string?)replaced!["last_signal"]);
        Assert.StartsWith("killed: did not answer its health check", (string?)replaced["last_exit_reason"]);
        Assert.Equal(200, (await host.PostAsync("/nativecrash/predict", """{"tasks":[{"id":1,"data":{}}]}""")).Status);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
