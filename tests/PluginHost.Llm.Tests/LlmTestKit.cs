using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Plugins.Llm;
using PluginHost.Plugins.Llm.Search;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;
using PluginHost.Tests.Shared;

namespace PluginHost.Llm.Tests;

/// <summary>An <see cref="LlmBackend"/> pointed at a <see cref="FakeOpenAi"/>, with in-memory project state and captured logs.</summary>
public sealed class LlmTestKit : IAsyncDisposable
{
    public const string ApiKey = "sk-test-0123456789abcdefSECRET";

    private LlmTestKit(FakeOpenAi fake, LlmBackend backend, string name, CapturingLogger logger)
    {
        Fake = fake;
        Backend = backend;
        Name = name;
        Logger = logger;
    }

    public FakeOpenAi Fake { get; }

    public LlmBackend Backend { get; }

    /// <summary>The backend's name: unique per kit, so metric listeners can tell tests apart.</summary>
    public string Name { get; }

    public CapturingLogger Logger { get; }

    public MemoryProjectState State { get; } = new();

    public static Task<LlmTestKit> StartAsync(Action<LlmSettings>? configure = null, ISearchTool? search = null) =>
        StartAsync((settings, _) => configure?.Invoke(settings), search);

    /// <summary>Settings that need the fake server's address (its search endpoints).</summary>
    public static async Task<LlmTestKit> StartAsync(Action<LlmSettings, FakeOpenAi> configure, ISearchTool? search = null)
    {
        var fake = await FakeOpenAi.StartAsync();
        var settings = new LlmSettings
        {
            BaseUrl = fake.BaseUrl,
            ApiKey = ApiKey,
            Model = "fake-model",
            TimeoutSeconds = 30,
            MaxRetries = 2,
            RetryDelaySeconds = 0.05,
        };
        configure(settings, fake);
        var name = "llm-" + Guid.NewGuid().ToString("N")[..8];
        var logger = new CapturingLogger();
        var environment = new BackendEnvironment
        {
            Name = name,
            Settings = new ConfigurationBuilder().Build(),
            ModelDirectory = Path.GetTempPath(),
            SourceDirectory = AppContext.BaseDirectory,
        };
        var backend = new LlmBackend(Options.Create(settings), logger, environment, data: null, search: search);
        return new LlmTestKit(fake, backend, name, logger);
    }

    public Task<IReadOnlyList<Prediction>> PredictAsync(string labelConfig, IEnumerable<object> taskData, string? interactiveContext = null) =>
        PredictAsync(LabelConfig.Parse(labelConfig), taskData, interactiveContext);

    public async Task<IReadOnlyList<Prediction>> PredictAsync(LabelConfig config, IEnumerable<object> taskData, string? interactiveContext = null)
    {
        var tasks = taskData.Select((data, i) => new LabelStudioTask
        {
            Id = i + 1,
            Data = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(data))!,
        }).ToList();
        var context = new PredictContext
        {
            BackendName = Name,
            Project = ProjectRef.FromString("7.1710967805"),
            LabelConfig = config,
            ExtraParams = ExtraParams.Empty,
            Logger = Logger,
            State = State,
            ModelVersion = Name + "-1",
            Tasks = tasks,
            Interactive = interactiveContext is null ? null : JsonSerializer.Deserialize<InteractiveContext>(interactiveContext, PluginHost.Sdk.Json.SdkJson.Options),
        };
        return await Backend.PredictAsync(context, CancellationToken.None);
    }

    /// <summary>The prediction must pass Label Studio's validation.</summary>
    public static void AssertValid(Prediction prediction, string labelConfig) =>
        Assert.Empty(PredictionValidator.Validate(prediction, LabelConfig.Parse(labelConfig)));

    public async ValueTask DisposeAsync()
    {
        Backend.Dispose();
        await Fake.DisposeAsync();
    }
}

/// <summary>Per-project state in memory, counting writes.</summary>
public sealed class MemoryProjectState : IProjectState
{
    private readonly ConcurrentDictionary<string, string> _values = new();
    private int _writes;

    public int Writes => _writes;

    public string? Get(string key) => _values.GetValueOrDefault(key);

    public ValueTask SetAsync(string key, string value, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        _values[key] = value;
        return ValueTask.CompletedTask;
    }
}

/// <summary>Keeps every log line (message and exception text) so tests can check what was logged.</summary>
public sealed class CapturingLogger : ILogger<LlmBackend>
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
}
