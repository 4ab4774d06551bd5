using System.Diagnostics;

namespace PluginHost.Tests;

/// <summary>A script that throws or hangs is answered for (JSON 500, 504) and isolated from every other backend.</summary>
public sealed class ScriptFaultTests : IAsyncLifetime
{
    private const string Throwing = """
        public sealed class Thrower : ILabelStudioBackend
        {
            public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken) =>
                throw new KeyNotFoundException("no rule for 'hello'");
        }
        """;

    // Ignores its token on purpose: the host must stop waiting anyway.
    private const string HangingAsync = """
        public sealed class Sleeper : ILabelStudioBackend
        {
            public async ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
            {
                await Task.Delay(TimeSpan.FromSeconds(20), CancellationToken.None);
                return [];
            }
        }
        """;

    // Blocks its thread before returning a task at all: the classic busy loop of a rule gone wrong.
    private const string HangingSync = """
        public sealed class Spinner : ILabelStudioBackend
        {
            public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
            {
                Thread.Sleep(TimeSpan.FromSeconds(5));
                return ValueTask.FromResult<IReadOnlyList<Prediction>>([]);
            }
        }
        """;

    private ScriptKit _kit = null!;

    public async Task InitializeAsync() => _kit = await ScriptKit.StartAsync(
        [("thrower.csx", Throwing), ("sleeper.csx", HangingAsync), ("spinner.csx", HangingSync), ("steady.csx", TestScripts.Choice("steady"))],
        new Dictionary<string, string?> { ["PluginHost:PredictTimeoutSeconds"] = "1" });

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public async Task A_throwing_script_answers_json_500_naming_the_exception_and_other_backends_keep_serving()
    {
        var (status, body) = await _kit.PredictAsync("thrower");
        Assert.Equal(500, status);
        Assert.Equal("KeyNotFoundException: no rule for 'hello'", (string?)body["detail"]);
        Assert.Equal("thrower", (string?)body["backend"]);

        Assert.Equal("steady", await _kit.ChoiceAsync("steady"));
        Assert.Equal(500, (await _kit.PredictAsync("thrower")).Status);
        var (_, metrics) = await _kit.Host.GetAsync("/thrower/metrics");
        Assert.True((long)metrics["errors"]! >= 2);
    }

    [Theory]
    [InlineData("sleeper")]
    [InlineData("spinner")]
    public async Task A_hanging_script_answers_504_within_the_timeout_while_the_host_stays_responsive(string backend)
    {
        var started = Stopwatch.StartNew();
        var hanging = _kit.PredictAsync(backend);

        Assert.Equal("steady", await _kit.ChoiceAsync("steady"));
        Assert.Equal(200, (await _kit.Host.GetAsync("/health")).Status);

        var (status, body) = await hanging;
        Assert.Equal(504, status);
        Assert.Contains("did not answer within 1 s", (string?)body["detail"]);
        Assert.InRange(started.Elapsed.TotalSeconds, 0.9, 5);
        var (_, metrics) = await _kit.Host.GetAsync($"/{backend}/metrics");
        Assert.True((long)metrics["timeouts"]! >= 1);
    }
}
