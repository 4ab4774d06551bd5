using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.Invocation;
using PluginHost.Projects;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Tests.Invocation;

public sealed class PredictInvokerTests : IDisposable
{
    private const string Backend = "probe";
    private readonly string _modelDir = Path.Combine(Path.GetTempPath(), "invoker-" + Guid.NewGuid().ToString("N"));
    private readonly BackendRegistry _registry;
    private readonly BackendContextFactory _contexts;
    private readonly IOptions<HostSettings> _settings;

    public PredictInvokerTests()
    {
        _settings = Options.Create(new HostSettings { ModelDir = _modelDir, PredictTimeoutSeconds = 30 });
        _registry = new BackendRegistry(_settings, NullLogger<BackendRegistry>.Instance);
        var projects = new FileProjectStore(new HostPaths(_settings), NullLogger<FileProjectStore>.Instance);
        _contexts = new BackendContextFactory(projects, new LabelConfigCache(), NullLoggerFactory.Instance);
    }

    public void Dispose()
    {
        if (Directory.Exists(_modelDir)) Directory.Delete(_modelDir, recursive: true);
    }

    [Fact]
    public async Task Steps_wrap_the_backend_in_registration_order_and_answers_carry_the_model_version()
    {
        var trace = new List<string>();
        var invoker = Invoker([new TracingStep("outer", trace), new TracingStep("inner", trace)]);
        var generation = Publish(_ =>
        {
            lock (trace) trace.Add("backend");
            return [Prediction.Empty()];
        });

        var predictions = await invoker.PredictAsync(generation, Input(1), PredictPurpose.Request, CancellationToken.None);

        Assert.Equal(["outer:before", "inner:before", "backend", "inner:after", "outer:after"], trace);
        Assert.Equal("probe-1.0", Assert.Single(predictions).ModelVersion);
        Assert.Equal(1, Metrics().PredictCalls);
    }

    [Fact]
    public async Task A_backend_blocking_its_thread_times_out_at_the_deadline()
    {
        var invoker = Invoker([], timeoutSeconds: 0.5);
        var generation = Publish(_ =>
        {
            Thread.Sleep(10_000);
            return [Prediction.Empty()];
        });

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<BackendTimeoutException>(async () =>
            await invoker.PredictAsync(generation, Input(1), PredictPurpose.Request, CancellationToken.None));

        // At the deadline, not after the backend's 10 s: the blocked thread is left behind.
        Assert.InRange(watch.Elapsed.TotalSeconds, 0.4, 5);
        Assert.Equal(Backend, error.Backend);
        Assert.Equal(1, Metrics().Timeouts);
    }

    [Fact]
    public async Task Failures_become_domain_exceptions_and_count_as_errors()
    {
        var invoker = Invoker([]);
        var throwing = Publish(_ => throw new InvalidOperationException("boom"));
        var call = await Assert.ThrowsAsync<BackendCallException>(async () =>
            await invoker.PredictAsync(throwing, Input(1), PredictPurpose.Request, CancellationToken.None));
        Assert.Equal("InvalidOperationException: boom", call.Message);

        var badConfig = Publish(_ => throw new LabelConfigException("no Choices"));
        var client = await Assert.ThrowsAsync<ClientRequestException>(async () =>
            await invoker.PredictAsync(badConfig, Input(1), PredictPurpose.Request, CancellationToken.None));
        Assert.Equal("Label config: no Choices", client.Message);

        var miscounting = Publish(_ => [Prediction.Empty(), Prediction.Empty()]);
        await Assert.ThrowsAsync<BackendContractException>(async () =>
            await invoker.PredictAsync(miscounting, Input(3), PredictPurpose.Request, CancellationToken.None));

        Assert.Equal(3, Metrics().Errors);
        Assert.Equal(0, Metrics().PredictCalls);
    }

    [Fact]
    public async Task A_broken_label_config_in_the_request_is_the_callers_fault()
    {
        var invoker = Invoker([]);
        var generation = Publish(_ => [Prediction.Empty()]);
        var input = Input(1) with { LabelConfigXml = "<View><Choices" };

        await Assert.ThrowsAsync<ClientRequestException>(async () =>
            await invoker.PredictAsync(generation, input, PredictPurpose.Request, CancellationToken.None));
    }

    [Fact]
    public async Task Warm_up_predictions_stay_out_of_the_metrics()
    {
        var invoker = Invoker([]);
        var generation = Publish(_ => [Prediction.Empty()]);

        await invoker.PredictAsync(generation, Input(1), PredictPurpose.WarmUp, CancellationToken.None);

        Assert.Equal(0, Metrics().PredictCalls);
    }

    private PredictInvoker Invoker(IEnumerable<IPredictStep> steps, double? timeoutSeconds = null) => new(steps, _contexts, _registry,
        timeoutSeconds is { } seconds ? Options.Create(new HostSettings { ModelDir = _modelDir, PredictTimeoutSeconds = seconds }) : _settings);

    private BackendMetricsSnapshot Metrics() => _registry.Declare(Backend).Metrics.Snapshot();

    private BackendGeneration Publish(Func<PredictContext, IReadOnlyList<Prediction>> predict)
    {
        var generation = new BackendGeneration(Backend, new LambdaBackend(predict), "probe-1.0", "test", () => ValueTask.CompletedTask);
        _registry.Publish(generation);
        return generation;
    }

    private static PredictInput Input(int tasks) =>
        new(new ProjectRef("1"), Enumerable.Range(1, tasks).Select(i => new LabelStudioTask { Id = i, Data = [] }).ToList());

    private sealed class LambdaBackend(Func<PredictContext, IReadOnlyList<Prediction>> predict) : ILabelStudioBackend
    {
        public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(predict(context));
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
