using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.Invocation;
using PluginHost.Projects;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Tests.Invocation;

/// <summary>A <see cref="PredictInvoker"/> on a real registry, project store and context factory, with backends made of
/// lambdas: the invoker and its steps without HTTP.</summary>
public sealed class InvokerKit : IDisposable
{
    public const string Backend = "probe";
    private readonly string _modelDir = Path.Combine(Path.GetTempPath(), "invoker-" + Guid.NewGuid().ToString("N"));

    public InvokerKit(double timeoutSeconds = 30, IDictionary<string, string?>? configuration = null)
    {
        Settings = Options.Create(new HostSettings { ModelDir = _modelDir, PredictTimeoutSeconds = timeoutSeconds });
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build();
        Registry = new BackendRegistry(Settings, NullLogger<BackendRegistry>.Instance);
        var projects = new FileProjectStore(new HostPaths(Settings), NullLogger<FileProjectStore>.Instance);
        Contexts = new BackendContextFactory(projects, new LabelConfigCache(), NullLoggerFactory.Instance);
        PredictOptions = new BackendPredictOptions(Configuration, Settings);
    }

    public IOptions<HostSettings> Settings { get; }

    public IConfiguration Configuration { get; }

    public BackendRegistry Registry { get; }

    public BackendContextFactory Contexts { get; }

    public BackendPredictOptions PredictOptions { get; }

    public void Dispose()
    {
        if (Directory.Exists(_modelDir)) Directory.Delete(_modelDir, recursive: true);
    }

    public PredictInvoker Invoker(params IPredictStep[] steps) => new(steps, Contexts, Registry, Settings);

    public BackendMetricsSnapshot Metrics(string backend = Backend) => Registry.Declare(backend).Metrics.Snapshot();

    public BackendGeneration Publish(Func<PredictContext, IReadOnlyList<Prediction>> predict, string backend = Backend) =>
        Publish(new LambdaBackend(predict), backend);

    public BackendGeneration Publish(ILabelStudioBackend backend, string name = Backend)
    {
        var generation = new BackendGeneration(name, backend, $"{name}-1.0", "test", () => ValueTask.CompletedTask);
        Registry.Publish(generation);
        return generation;
    }

    public static PredictInput Input(int tasks, string? labelConfig = null) =>
        new(new ProjectRef("1"), Enumerable.Range(1, tasks).Select(i => new LabelStudioTask { Id = i, Data = [] }).ToList(), labelConfig);

    private sealed class LambdaBackend(Func<PredictContext, IReadOnlyList<Prediction>> predict) : ILabelStudioBackend
    {
        public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult(predict(context));
    }
}
