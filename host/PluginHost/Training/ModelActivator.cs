using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using PluginHost.Backends;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;
using PluginHost.Metrics;
using PluginHost.State;

namespace PluginHost.Training;

/// <summary>
/// Switches a project to a stored version without dropping a request: loads it into the serving generation, makes it
/// answer a warm-up prediction, records it as <c>current</c> on disk, then swaps it in atomically. Requests already
/// holding the old model finish with it; it is disposed when the last one lets go. Serialized per backend and project.
/// </summary>
public sealed class ModelActivator(
    BackendRegistry registry,
    ModelStore store,
    ProjectStateStore states,
    ILoggerFactory loggerFactory)
{
    private readonly ConcurrentDictionary<(string, string), SemaphoreSlim> _gates = new();
    private readonly ILogger _logger = loggerFactory.CreateLogger<ModelActivator>();

    /// <summary>Activates <paramref name="version"/> and returns its model_version. Throws <see cref="ModelActivationException"/>
    /// when it cannot load or fails the warm-up; the previous version then stays active.</summary>
    public async Task<string> ActivateAsync(string backend, ProjectRef project, StoredVersion version, LabelStudioTask? warmUpTask,
        LabelConfig? labelConfig, CancellationToken cancellationToken)
    {
        var gate = _gates.GetOrAdd((backend.ToLowerInvariant(), project.Id), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!registry.TryGet(backend, out var slot) || !slot.TryAcquire(out var lease))
                throw new ModelActivationException($"Backend '{backend}' is not loaded; cannot activate {version.Name}.");
            using (lease)
            {
                var models = lease.Generation.Models
                    ?? throw new ModelActivationException($"Backend '{backend}' does not train; it has no model versions.");
                ModelGeneration loaded;
                var loading = Stopwatch.GetTimestamp();
                try
                {
                    loaded = await models.LoadAsync(project, new ActiveModel(version.Name, version.Directory), cancellationToken);
                    TrainingInstruments.ModelLoad.Record(Stopwatch.GetElapsedTime(loading).TotalSeconds, TrainingInstruments.Backend(backend));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    TrainingInstruments.Activations.Add(1, TrainingInstruments.Backend(backend), TrainingInstruments.Outcome("failed"));
                    throw new ModelActivationException($"Version {version.Name} of {backend}/{project.Id} did not load: {ex.GetType().Name}: {ex.Message}", ex);
                }
                try
                {
                    await WarmUpAsync(lease.Generation, project, loaded, warmUpTask, labelConfig, cancellationToken);
                    await store.SetCurrentAsync(backend, project.Id, version, cancellationToken);
                }
                catch
                {
                    loaded.Retire();
                    TrainingInstruments.Activations.Add(1, TrainingInstruments.Backend(backend), TrainingInstruments.Outcome("failed"));
                    throw;
                }
                models.Swap(project.Id, loaded);
                TrainingInstruments.Activations.Add(1, TrainingInstruments.Backend(backend), TrainingInstruments.Outcome("ok"));
                _logger.LogInformation("{Backend}/{Project} now serves {ModelVersion}", backend, project.Id, loaded.ModelVersion);
                return loaded.ModelVersion;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task WarmUpAsync(BackendGeneration generation, ProjectRef project, ModelGeneration loaded, LabelStudioTask? task,
        LabelConfig? labelConfig, CancellationToken cancellationToken)
    {
        var state = states.For(generation.Name, project.Id);
        var synthetic = task is null;
        task ??= SyntheticTask(labelConfig);
        try
        {
            var predictions = await generation.Backend.PredictAsync(new PredictContext
            {
                BackendName = generation.Name,
                Project = project,
                LabelConfig = labelConfig,
                ExtraParams = state.Get(ProjectStateKeys.ExtraParams) is { Length: > 0 } json ? ExtraParams.Parse(json) : ExtraParams.Empty,
                Logger = loggerFactory.CreateLogger($"PluginHost.Backend.{generation.Name}"),
                State = state,
                ModelVersion = loaded.ModelVersion,
                Tasks = [task],
                Model = loaded.Model,
            }, cancellationToken);
            if (predictions.Count > 1)
                throw new InvalidOperationException($"it returned {predictions.Count} predictions for one task");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            if (synthetic)
            {
                // A made-up task may not suit the backend (an image URL, say): only a real task's failure is fatal.
                _logger.LogWarning("Warm-up of {ModelVersion} on a synthetic task failed ({Error}); activating anyway", loaded.ModelVersion, ex.Message);
                return;
            }
            throw new ModelActivationException($"{loaded.ModelVersion} failed its warm-up prediction: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    /// <summary>A task with placeholder text under every data key the label config reads.</summary>
    private static LabelStudioTask SyntheticTask(LabelConfig? labelConfig)
    {
        var data = new Dictionary<string, JsonElement>();
        foreach (var obj in labelConfig?.Objects ?? [])
            if (obj.ValueKey.Length > 0) data[obj.ValueKey] = JsonSerializer.SerializeToElement("warm-up", TrainingJson.Default.String);
        return new LabelStudioTask { Id = 0, Data = data };
    }
}

public sealed class ModelActivationException(string message, Exception? inner = null) : Exception(message, inner);

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class TrainingJson : System.Text.Json.Serialization.JsonSerializerContext;
