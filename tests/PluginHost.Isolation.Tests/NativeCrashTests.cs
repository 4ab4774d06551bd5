using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using PluginHost.Tests;

namespace PluginHost.Isolation.Tests;

/// <summary>A backend in a worker process that segfaults takes only its worker down; the host answers, restarts it and
/// keeps serving the other backends.</summary>
public sealed class NativeCrashTests : IAsyncLifetime
{
    private const string Segfault = """{"tasks":[{"id":1,"data":{"mode":"segfault"}}]}""";
    private const string Harmless = """{"tasks":[{"id":1,"data":{"mode":"ok"}}]}""";

    private RunningHost _host = null!;

    public async Task InitializeAsync() => _host = await IsolatedHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_segfault_answers_json_503_and_only_its_worker_restarts_while_the_others_keep_serving()
    {
        var before = await IsolatedHost.WorkerAsync(_host, "nativecrash");
        Assert.Equal("running", (string?)before!["state"]);
        var crashedPid = (int)before["pid"]!;
        var isolatedPid = (int)(await IsolatedHost.WorkerAsync(_host, "substring_isolated"))!["pid"]!;
        Assert.Equal(200, (await _host.PostAsync("/nativecrash/predict", Harmless)).Status);

        using var others = new OtherBackends(_host);
        var crash = await _host.PostJsonAsync("/nativecrash/predict", Segfault);
        Assert.Equal(503, (int)crash.StatusCode);
        Assert.NotNull(crash.Headers.RetryAfter);
        var body = await RunningHost.ReadJsonAsync(crash);
        Assert.Equal("nativecrash", (string?)body["backend"]);
        Assert.Contains("worker process", (string?)body["detail"]);

        // Right after the crash the worker is dying or waiting to restart: an immediate answer, never a hang or an empty 502.
        var during = Stopwatch.StartNew();
        var (downStatus, downBody) = await _host.PostAsync("/nativecrash/predict", Harmless);
        Assert.Equal(503, downStatus);
        Assert.Equal(503, (int)downBody["status"]!);
        Assert.True(during.Elapsed < TimeSpan.FromSeconds(5), $"the 503 took {during.Elapsed}");

        var after = await IsolatedHost.PollAsync(() => IsolatedHost.WorkerAsync(_host, "nativecrash"),
            w => (string?)w!["state"] == "running" && w["pid"] is not null && (int?)w["pid"] != crashedPid, TimeSpan.FromSeconds(30), "a new nativecrash worker");
        Assert.True((int)after!["restarts"]! >= 1);
        Assert.Equal("SIGSEGV", (string?)after["last_signal"]);
        Assert.Equal(128 + 11, (int)after["last_exit_code"]!);
        Assert.Equal("died of SIGSEGV", (string?)after["last_exit_reason"]);
        Assert.Equal(200, (await _host.PostAsync("/nativecrash/predict", Harmless)).Status);

        var (okCalls, failures) = await others.StopAsync();
        Assert.Empty(failures);
        Assert.True(okCalls >= 10, $"only {okCalls} calls to the other backends during the crash and restart");
        // The other worker was not touched.
        Assert.Equal(isolatedPid, (int)(await IsolatedHost.WorkerAsync(_host, "substring_isolated"))!["pid"]!);
    }

    [Fact]
    public async Task A_prediction_through_the_worker_equals_the_embedded_one_on_named_and_bare_routes()
    {
        var request = LabelStudioRequests.InteractiveSubstring("Apple pie and apple juice from Apple", 0, 5);
        var (embeddedStatus, embedded) = await _host.PostAsync("/substring/predict", request);
        var (isolatedStatus, isolated) = await _host.PostAsync("/substring_isolated/predict", request);
        var (bareStatus, bare) = await _host.PostAsync("/predict", request);
        Assert.Equal([200, 200, 200], new[] { embeddedStatus, isolatedStatus, bareStatus });
        Assert.Equal(3, embedded["results"]![0]!["result"]!.AsArray().Count);
        Assert.Equal(Comparable(embedded), Comparable(isolated));
        Assert.Equal(Comparable(embedded), Comparable(bare));

        var (_, hostHealth) = await _host.GetAsync("/health");
        Assert.Equal("substring_isolated", (string?)hostHealth["default_backend"]);

        // The worker's own health and metrics routes come through too.
        var (healthStatus, health) = await _host.GetAsync("/substring_isolated/health");
        Assert.Equal(200, healthStatus);
        Assert.Equal("UP", (string?)health["status"]);
        var (_, metrics) = await _host.GetAsync("/substring_isolated/metrics");
        Assert.True((long)metrics["predict_calls"]! >= 2);
    }

    [Fact]
    public async Task Auth_is_decided_in_the_host_before_anything_reaches_a_worker()
    {
        await using var host = await IsolatedHost.StartAsync(new Dictionary<string, string?>
        {
            ["PluginHost:BasicAuthUser"] = "ls",
            ["PluginHost:BasicAuthPass"] = "secret",
            ["Backends:nativecrash:Enabled"] = "false",
        });
        var request = LabelStudioRequests.InteractiveSubstring("Apple and apple", 0, 5);
        Assert.Equal(401, (await host.PostAsync("/substring_isolated/predict", request)).Status);
        host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("ls:secret"u8.ToArray()));
        Assert.Equal(200, (await host.PostAsync("/substring_isolated/predict", request)).Status);
    }

    [Fact]
    public async Task Stopping_the_host_stops_its_workers()
    {
        var host = await IsolatedHost.StartAsync();
        var pids = new List<int>();
        foreach (var backend in new[] { "nativecrash", "substring_isolated" })
            pids.Add((int)(await IsolatedHost.WorkerAsync(host, backend))!["pid"]!);
        var workers = pids.Select(Process.GetProcessById).ToList();
        await host.DisposeAsync();
        foreach (var worker in workers)
        {
            using (worker)
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                await worker.WaitForExitAsync(deadline.Token);
            }
        }
    }

    /// <summary>Results without what may differ between two backends made from one plugin: region ids, model version.</summary>
    private static string Comparable(JsonNode answer)
    {
        var copy = answer.DeepClone();
        foreach (var prediction in copy["results"]!.AsArray())
        {
            prediction!.AsObject().Remove("model_version");
            foreach (var region in prediction["result"]!.AsArray()) region!.AsObject().Remove("id");
        }
        return copy.ToJsonString();
    }

    /// <summary>Calls the embedded and the other isolated backend without pause until stopped; records every non-200.</summary>
    private sealed class OtherBackends : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<(int, List<string>)> _loop;

        public OtherBackends(RunningHost host) => _loop = Task.Run(() => RunAsync(host));

        private async Task<(int, List<string>)> RunAsync(RunningHost host)
        {
            var request = LabelStudioRequests.InteractiveSubstring("Apple and apple", 0, 5);
            var failures = new List<string>();
            var ok = 0;
            while (!_stop.IsCancellationRequested)
            {
                foreach (var path in new[] { "/substring/predict", "/substring_isolated/predict" })
                {
                    var (status, body) = await host.PostAsync(path, request);
                    if (status == 200) ok++;
                    else failures.Add($"{path}: {status} {body.ToJsonString()}");
                }
            }
            return (ok, failures);
        }

        public async Task<(int Ok, List<string> Failures)> StopAsync()
        {
            _stop.Cancel();
            return await _loop;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }
}
