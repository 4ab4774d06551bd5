using System.Diagnostics;
using PluginHost.Backends;
using PluginHost.Invocation;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Tests.Invocation;

public sealed class PredictInvokerTests : IDisposable
{
    private readonly InvokerKit _kit = new();

    public void Dispose() => _kit.Dispose();

    [Fact]
    public async Task Steps_wrap_the_backend_in_registration_order_and_answers_carry_the_model_version()
    {
        var trace = new List<string>();
        var invoker = _kit.Invoker(new TracingStep("outer", trace), new TracingStep("inner", trace));
        var generation = _kit.Publish(_ =>
        {
            lock (trace) trace.Add("backend");
            return [Prediction.Empty()];
        });

        var (predictions, warnings) = await invoker.PredictAsync(generation, InvokerKit.Input(1), PredictPurpose.Request, CancellationToken.None);

        Assert.Equal(["outer:before", "inner:before", "backend", "inner:after", "outer:after"], trace);
        Assert.Equal("probe-1.0", Assert.Single(predictions).ModelVersion);
        Assert.Null(warnings);
        Assert.Equal(1, _kit.Metrics().PredictCalls);
    }

    [Fact]
    public async Task A_backend_blocking_its_thread_times_out_at_the_deadline()
    {
        using var kit = new InvokerKit(timeoutSeconds: 0.5);
        var invoker = kit.Invoker();
        var generation = kit.Publish(_ =>
        {
            Thread.Sleep(10_000);
            return [Prediction.Empty()];
        });

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<BackendTimeoutException>(async () =>
            await invoker.PredictAsync(generation, InvokerKit.Input(1), PredictPurpose.Request, CancellationToken.None));

        // At the deadline, not after the backend's 10 s: the blocked thread is left behind.
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.4, 5);
        Assert.Equal(InvokerKit.Backend, error.Backend);
        Assert.Equal(1, kit.Metrics().Timeouts);
    }

    [Fact]
    public async Task Failures_become_domain_exceptions_and_count_as_errors()
    {
        var invoker = _kit.Invoker();
        var throwing = _kit.Publish(_ => throw new InvalidOperationException("boom"));
        var call = await Assert.ThrowsAsync<BackendCallException>(async () =>
            await invoker.PredictAsync(throwing, InvokerKit.Input(1), PredictPurpose.Request, CancellationToken.None));
        Assert.Equal("InvalidOperationException: boom", call.Message);

        var badConfig = _kit.Publish(_ => throw new LabelConfigException("no Choices"));
        var client = await Assert.ThrowsAsync<ClientRequestException>(async () =>
            await invoker.PredictAsync(badConfig, InvokerKit.Input(1), PredictPurpose.Request, CancellationToken.None));
        Assert.Equal("Label config: no Choices", client.Message);

        var miscounting = _kit.Publish(_ => [Prediction.Empty(), Prediction.Empty()]);
        await Assert.ThrowsAsync<BackendContractException>(async () =>
            await invoker.PredictAsync(miscounting, InvokerKit.Input(3), PredictPurpose.Request, CancellationToken.None));

        Assert.Equal(3, _kit.Metrics().Errors);
        Assert.Equal(0, _kit.Metrics().PredictCalls);
    }

    [Fact]
    public async Task A_broken_label_config_in_the_request_is_the_callers_fault()
    {
        var invoker = _kit.Invoker();
        var generation = _kit.Publish(_ => [Prediction.Empty()]);
        var input = InvokerKit.Input(1) with { LabelConfigXml = "<View><Choices" };

        await Assert.ThrowsAsync<ClientRequestException>(async () =>
            await invoker.PredictAsync(generation, input, PredictPurpose.Request, CancellationToken.None));
    }

    [Fact]
    public async Task Warm_up_predictions_stay_out_of_the_metrics()
    {
        var invoker = _kit.Invoker();
        var generation = _kit.Publish(_ => [Prediction.Empty()]);

        await invoker.PredictAsync(generation, InvokerKit.Input(1), PredictPurpose.WarmUp, CancellationToken.None);

        Assert.Equal(0, _kit.Metrics().PredictCalls);
    }

    private sealed class TracingStep(string name, List<string> trace) : IPredictStep
    {
        public async ValueTask<IReadOnlyList<Prediction>> InvokeAsync(PredictCall call, PredictStepDelegate next, CancellationToken cancellationToken)
        {
            lock (trace) trace.Add($"{name}:before");
            var result = await next(call, cancellationToken);
            lock (trace) trace.Add($"{name}:after");
            return result;
        }
    }
}
