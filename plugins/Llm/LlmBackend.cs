using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Plugins.Llm.Search;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Llm;

/// <summary>
/// The <c>llm</c> backend (the Python SDK's <c>llm_interactive</c> and <c>langchain_search_agent</c> examples) for any
/// OpenAI-compatible endpoint: the project's prompt, with the task's fields and images, goes to the model with a JSON
/// schema derived from the label config; the answer becomes Choices, Labels spans, TextArea, Rating and Number regions,
/// each validated as Label Studio would. An interactive request carrying the annotator's prompt answers with it and
/// stores it for the project. At most <see cref="LlmSettings.MaxConcurrency"/> calls are in flight per backend.
/// </summary>
public sealed class LlmBackend : ILabelStudioBackend, IDisposable
{
    /// <summary>Used until a project has a prompt and no <c>DEFAULT_PROMPT</c> is set; the schema says what to fill in.</summary>
    internal const string BuiltInPrompt = "Annotate the text as the fields ask.";

    private readonly LlmSettings _settings;
    private readonly ILogger<LlmBackend> _logger;
    private readonly LlmEndpoint? _endpoint;
    private readonly IChatClient? _client;
    private readonly HttpClient? _http;
    private readonly HttpClient _searchHttp;
    private readonly ISearchTool? _search;
    private readonly LlmMetrics? _metrics;
    private readonly PromptBuilder _prompts;
    private readonly SemaphoreSlim _inFlight;
    private readonly string _defaultPrompt = BuiltInPrompt;
    private readonly ConditionalWeakTable<LabelConfig, AnnotationSchema> _schemas = new();

    public LlmBackend(IOptions<LlmSettings> options, ILogger<LlmBackend> logger, BackendEnvironment environment,
        ITaskDataResolver? data = null, ISearchTool? search = null)
    {
        _settings = options.Value;
        _logger = logger;
        _prompts = new PromptBuilder(data);
        _inFlight = new SemaphoreSlim(Math.Max(1, _settings.MaxConcurrency));
        _searchHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(_settings.Search.TimeoutSeconds) };
        try
        {
            _endpoint = LlmEndpoint.From(_settings);
            _search = search ?? SearchTools.Create(_settings.Search, _searchHttp);
            _defaultPrompt = LlmEnvironment.ReadPrompt(_settings.DefaultPrompt) is { Length: > 0 } prompt ? prompt : BuiltInPrompt;
            (_client, _http) = ChatClientFactory.Create(_endpoint, _settings);
            _metrics = new LlmMetrics(environment.Name, _endpoint.Model, _settings);
            Version = $"{_endpoint.Provider}-{_endpoint.Model}";
            _logger.LogInformation("LLM backend {Name} ready: {Provider}, model {Model}, up to {Concurrency} calls at once, search {Search}",
                environment.Name, _endpoint.Description, _endpoint.Model, _settings.MaxConcurrency, _search?.Name ?? "off");
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            HealthError = ex.Message;
            _logger.LogError("The LLM backend {Name} is not configured: {Error}", environment.Name, HealthError);
        }
    }

    public string? HealthError { get; }

    /// <summary>The provider and model: another model, other predictions.</summary>
    public string? Version { get; }

    public async ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        if (_client is null || _endpoint is null || _metrics is null) throw new BackendException(503, $"The LLM backend is not configured: {HealthError}");
        var config = context.RequireLabelConfig();
        var schema = _schemas.GetValue(config, c => AnnotationSchema.From(c, _settings.PromptPrefix, _settings.SourcesPrefix));
        string prompt;
        if (context.Interactive is { } interactive)
        {
            // As the Python example: an interactive request without the prompt TextArea has nothing to answer.
            if (ProjectPrompts.FromContext(interactive, schema.Prompt) is not { } edited) return [];
            await ProjectPrompts.StoreAsync(context.State, schema.Prompt, edited, cancellationToken).ConfigureAwait(false);
            prompt = edited;
        }
        else
        {
            prompt = ProjectPrompts.Stored(context.State, schema.Prompt) ?? _defaultPrompt;
        }

        var call = new TaskCall(context, config, schema, prompt, context.Interactive is not null);
        var predictions = new Prediction[context.Tasks.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _settings.MaxConcurrency), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, predictions.Length), parallel,
            async (i, token) => predictions[i] = await PredictTaskAsync(call, context.Tasks[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        return predictions;
    }

    /// <summary>What every task of one request shares.</summary>
    private sealed record TaskCall(PredictContext Context, LabelConfig Config, AnnotationSchema Schema, string Prompt, bool Interactive);

    private async Task<Prediction> PredictTaskAsync(TaskCall call, LabelStudioTask task, CancellationToken cancellationToken)
    {
        var jsonMode = _settings.ResponseFormat.Equals("json_object", StringComparison.OrdinalIgnoreCase);
        var messages = await _prompts.BuildAsync(call.Prompt, call.Schema, task, call.Context.Project, jsonMode, cancellationToken).ConfigureAwait(false);
        var sources = new List<SearchResult>();
        var options = new ChatOptions
        {
            Temperature = _settings.Temperature,
            MaxOutputTokens = _settings.MaxTokens,
            ResponseFormat = jsonMode ? ChatResponseFormat.Json
                : ChatResponseFormat.ForJsonSchema(call.Schema.Schema, AnnotationSchema.SchemaName, "The annotation of one Label Studio task."),
            Tools = _search is null ? null : [SearchFunction(_search, sources)],
        };

        ChatResponse response;
        var clock = Stopwatch.StartNew();
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            response = await _client!.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ProviderErrors.Translate(ex, _endpoint!, _settings) is { } error)
        {
            _metrics!.RecordCall(null, null, clock.Elapsed, error.StatusCode == 504 ? "timeout" : "error");
            _logger.LogWarning("Task {TaskId}: {Error}", task.Id, error.Message);
            throw error;
        }
        finally
        {
            _inFlight.Release();
        }
        _metrics!.RecordCall(response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount, clock.Elapsed, "ok");

        List<Region> regions;
        try
        {
            regions = AnswerMapper.Map(response.Text, call.Schema, task);
        }
        catch (AnswerFormatException ex)
        {
            // One odd answer must not cost a whole batch; the annotator asking interactively is told.
            if (call.Interactive) throw ProviderErrors.Translate(ex, _endpoint!, _settings)!;
            _logger.LogWarning("Task {TaskId}: {Error}", task.Id, ProviderErrors.Redact(ex.Message, _endpoint!.ApiKey));
            regions = [];
        }
        if (call.Schema.Prompt is { Object: { } promptObject } promptControl)
            regions.Insert(0, Regions.TextArea(promptControl.Name, promptObject.Name, call.Prompt.Split('\n')));
        if (call.Schema.Sources is { Object: { } sourcesObject } sourcesControl && sources.Count > 0)
            regions.Add(Regions.TextArea(sourcesControl.Name, sourcesObject.Name, DescribeSources(sources)));
        return Validated(regions, call.Config, task.Id);
    }

    /// <summary>The prediction as Label Studio would accept it: regions it would reject are dropped and logged.</summary>
    private Prediction Validated(List<Region> regions, LabelConfig config, long taskId)
    {
        var prediction = new Prediction(regions);
        if (PredictionValidator.Validate(prediction, config).Count == 0) return prediction;
        var valid = new List<Region>(regions.Count);
        foreach (var region in regions)
        {
            var errors = PredictionValidator.Validate([region], config);
            if (errors.Count == 0) valid.Add(region);
            else _logger.LogWarning("Task {TaskId}: dropped a {Type} region of {Control}: {Errors}", taskId, region.Type, region.FromName, string.Join("; ", errors));
        }
        return new Prediction(valid);
    }

    private AIFunction SearchFunction(ISearchTool search, List<SearchResult> sources) => AIFunctionFactory.Create(
        async (string query, CancellationToken cancellationToken) =>
        {
            var results = await search.SearchAsync(query, _settings.Search.MaxResults, cancellationToken).ConfigureAwait(false);
            lock (sources) sources.AddRange(results);
            return string.Join("\n\n", results.Select(r => $"{r.Title}\n{r.Url}\n{r.Snippet}"));
        },
        "web_search",
        "Searches the web. Returns the title, URL and snippet of the best results for the query.");

    private static List<string> DescribeSources(List<SearchResult> sources) =>
        sources.DistinctBy(s => s.Url).Select(s => string.IsNullOrWhiteSpace(s.Title) ? s.Url : $"{s.Title} — {s.Url}").ToList();

    public void Dispose()
    {
        _client?.Dispose();
        _http?.Dispose();
        _searchHttp.Dispose();
        _metrics?.Dispose();
        _inFlight.Dispose();
    }
}
