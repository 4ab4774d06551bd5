using Microsoft.Extensions.Options;
using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.Invocation;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Tests.Invocation;

public sealed class BulkheadStepTests : IDisposable
{
    private readonly InvokerKit _kit = new(timeoutSeconds: 2, new Dictionary<string, string?>
    {
        ["Backends:probe:MaxConcurrentPredicts"] = "2",
        ["Backends:probe:MaxQueuedPredicts"] = "1",
    });

    private readonly ManualResetEventSlim _release = new();
    private readonly BulkheadStep _step;
    private readonly PredictInvoker _invoker;
    private readonly BackendGeneration _generation;
    private readonly BackendBulkhead _bulkhead;

    public BulkheadStepTests()
    {
        _step = new BulkheadStep(_kit.PredictOptions, Options.Create(new HostSettings { BusyRetryAfterSeconds = 2 }));
        _invoker = _kit.Invoker(_step);
        // Blocks its thread and ignores its token, as a runaway script does.
        _generation = _kit.Publish(_ =>
        {
            _release.Wait();
            return [Prediction.Empty()];
        });
        _bulkhead = _step.For(InvokerKit.Backend);
    }

    public void Dispose()
    {
        _release.Set();
        _step.Dispose();
        _kit.Dispose();
    }

    [Fact]
    public async Task Calls_past_the_slots_and_the_queue_are_refused_at_once_and_queued_calls_time_out_by_the_deadline()
    {
        // Two run (blocked), one waits, the fourth is refused without waiting.
        var calls = Enumerable.Range(0, 3).Select(_ => Predict()).ToList();
        await ScriptKit.WaitUntilAsync(() => Task.FromResult(_bulkhead is { Running: 2, Queued: 1 }), TimeSpan.FromSeconds(10), "2 running, 1 queued");
        var refused = await Assert.ThrowsAsync<BackendBusyException>(() => Predict());
        Assert.Equal(2, refused.RetryAfterSeconds);
        Assert.Contains("MaxConcurrentPredicts", refused.Message);

        // Every admitted call ends with a 504 at the deadline, the queued one included (it never got a slot).
        foreach (var call in calls) await Assert.ThrowsAsync<BackendTimeoutException>(() => call);
    }

    [Fact]
    public async Task A_call_that_timed_out_keeps_its_slot_until_the_backend_really_returns()
    {
        var first = Predict();
        var second = Predict();
        await Assert.ThrowsAsync<BackendTimeoutException>(() => first);
        await Assert.ThrowsAsync<BackendTimeoutException>(() => second);
        // Both callers were answered 504, but both threads are still blocked in the backend: their slots stay taken.
        Assert.Equal(2, _bulkhead.Running);

        _release.Set();
        await ScriptKit.WaitUntilAsync(() => Task.FromResult(_bulkhead.Running == 0), TimeSpan.FromSeconds(10), "slots given back");
        var (predictions, _) = await _invoker.PredictAsync(_generation, InvokerKit.Input(1), PredictPurpose.Request, CancellationToken.None);
        Assert.Single(predictions);
        Assert.Equal(0, _bulkhead.Queued);
    }

    [Fact]
    public async Task Jobs_wait_for_a_slot_instead_of_being_refused()
    {
        var calls = Enumerable.Range(0, 5).Select(_ => Predict(PredictPurpose.Job)).ToList();
        await ScriptKit.WaitUntilAsync(() => Task.FromResult(_bulkhead is { Running: 2, Queued: 3 }), TimeSpan.FromSeconds(10), "2 running, 3 queued");
        _release.Set();

        // None refused: each either ran or waited its turn until its deadline.
        foreach (var call in calls)
        {
            var error = await Record.ExceptionAsync(() => call);
            Assert.True(error is null or BackendTimeoutException, error?.ToString());
        }
    }

    private async Task Predict(PredictPurpose purpose = PredictPurpose.Request) =>
        await _invoker.PredictAsync(_generation, InvokerKit.Input(1), purpose, CancellationToken.None);
}
