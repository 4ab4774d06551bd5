using System.Collections.Concurrent;
using System.Net;

namespace PluginHost.Tests.Invocation;

/// <summary>The scenario on a fresh host: a script whose predict blocks its thread, 16 concurrent calls, then 16
/// more while the first are blocked; every other backend keeps answering meanwhile.</summary>
public sealed class BulkheadHttpTests
{
    // Blocks its thread and ignores its token: the host can only stop waiting for it.
    private const string Blocking = """
        public sealed class Blocker : ILabelStudioBackend
        {
            public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
            {
                Thread.Sleep(TimeSpan.FromSeconds(3));
                return ValueTask.FromResult<IReadOnlyList<Prediction>>([]);
            }
        }
        """;

    [Fact]
    public async Task A_backend_blocking_its_threads_answers_503_past_its_queue_and_504_at_the_deadline_while_the_others_answer_200()
    {
        await using var kit = await ScriptKit.StartAsync([("blocking.csx", Blocking), ("steady.csx", TestScripts.Choice("steady"))],
            new Dictionary<string, string?>
            {
                ["PluginHost:PluginsDir"] = PluginFolders.CreatePluginsDir(("substring", PluginFolders.BuiltIn("substring"))),
                ["PluginHost:PredictTimeoutSeconds"] = "1",
                ["Backends:blocking:MaxConcurrentPredicts"] = "4",
                ["Backends:blocking:MaxQueuedPredicts"] = "4",
            });
        await ScriptKit.WaitUntilAsync(async () => (await kit.HostHealthEntryAsync("blocking"))?["status"]?.ToString() == "UP",
            TimeSpan.FromSeconds(60), "the blocking script to load");

        // The other backends are asked without pause until every blocked call has been answered.
        var blockedDone = new CancellationTokenSource();
        var others = new ConcurrentBag<(string Backend, int Status)>();
        var traffic = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!blockedDone.IsCancellationRequested)
            {
                others.Add(("substring", (await kit.Host.PostAsync("/substring/predict", LabelStudioRequests.InteractiveSubstring("a b a", 0, 1))).Status));
                others.Add(("steady", (await kit.PredictAsync("steady")).Status));
            }
        })).ToList();

        var first = Enumerable.Range(0, 16).Select(_ => PredictAsync(kit, "blocking")).ToList();
        // The 8 past the slots and the queue are refused at once: by then the first wave is blocked.
        await ScriptKit.WaitUntilAsync(() => Task.FromResult(first.Count(c => c.IsCompleted) >= 8), TimeSpan.FromSeconds(30), "8 refusals");
        var second = Enumerable.Range(0, 16).Select(_ => PredictAsync(kit, "blocking")).ToList();
        var answers = await Task.WhenAll(first.Concat(second));
        blockedDone.Cancel();
        await Task.WhenAll(traffic);

        Assert.All(answers, a => Assert.True(a.Status is 503 or 504, $"blocking answered {a.Status}"));
        var refused = answers.Where(a => a.Status == 503).ToList();
        // The first wave: 4 running + 4 queued answer 504, 8 are refused. The second finds the 4 slots held (the threads
        // sleep 3 s, past the 1 s timeout): at most 8 of it (4 queued, or 4 more running once the first slept out) get in.
        Assert.InRange(refused.Count, 8 + 8, 8 + 16);
        Assert.InRange(answers.Count(a => a.Status == 504), 8, 16);
        Assert.All(refused, a => Assert.Equal("1", a.RetryAfter));
        Assert.All(refused, a => Assert.Contains("is busy", a.Detail));
        Assert.NotEmpty(others);
        Assert.All(others, o => Assert.True(o.Status == 200, $"{o.Backend} answered {o.Status} while 'blocking' was blocked"));
    }

    private static async Task<(int Status, string? RetryAfter, string Detail)> PredictAsync(ScriptKit kit, string backend)
    {
        using var response = await kit.Host.PostJsonAsync($"/{backend}/predict", """{"tasks":[{"id":1,"data":{"text":"x"}}]}""");
        var body = await RunningHost.ReadJsonAsync(response);
        return ((int)response.StatusCode, response.Headers.RetryAfter?.ToString(), (string?)body["detail"] ?? "");
    }
}
