using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using PluginHost.Backends;
using PluginHost.Invocation;
using PluginHost.Metrics;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Training;

/// <summary>
/// Switches a project to a stored version without dropping a request: loads it into the serving generation (the one
/// the caller holds a lease on), makes it answer a warm-up prediction through the <see cref="PredictInvoker"/>, records
/// it as active (<see cref="IActiveVersionStore"/>), then swaps it in atomically. Requests already holding the old model
/// finish with it; it is disposed when the last one lets go. Serialized per backend and project.
/// </summary>
public sealed class ModelActivator(IActiveVersionStore activeVersions, PredictInvoker invoker, ILogger<ModelActivator> logger)
{
    private readonly ConcurrentDictionary<(string, string), SemaphoreSlim> _gates = new();

    /// <summary>Activates <paramref name="version"/> in <paramref name="generation"/> and returns its model_version. Throws
    /// <see cref="ModelActivationException"/> when it cannot load or fails the warm-up; the previous version then stays active.
    /// A <paramref name="fence"/> (a cluster training job's lease) records the version only while it still holds.</summary>
    public Task<string> ActivateAsync(BackendGeneration generation, ProjectRef project, StoredVersion version, LabelStudioTask? warmUpTask,
        LabelConfig? labelConfig, CancellationToken cancellationToken) =>
        ActivateAsync(generation, project, version, warmUpTask, labelConfig, null, cancellationToken);

    /// <inheritdoc cref="ActivateAsync(BackendGeneration, ProjectRef, StoredVersion, LabelStudioTask?, LabelConfig?, CancellationToken)"/>
    public async Task<string> ActivateAsync(BackendGeneration generation, ProjectRef project, StoredVersion version, LabelStudioTask? warmUpTask,
        LabelConfig? labelConfig, ITrainingFence? fence, CancellationToken cancellationToken)
    {
        var backend = generation.Name;
        var models = generation.Models
            ?? throw new ModelActivationException(backend, $"Backend '{backend}' does not train; it has no model versions.");
        var gate = _gates.GetOrAdd((backend.ToLowerInvariant(), project.Id), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var stored = new ActiveModel(version.Name, version.Directory);
            var backendTag = TrainingInstruments.Backend(backend);
            ModelGeneration loaded;
            var loading = Stopwatch.GetTimestamp();
            try
            {
                loaded = await models.LoadAsync(project, stored, cancellationToken);
                TrainingInstruments.ModelLoad.Record(Stopwatch.GetElapsedTime(loading).TotalSeconds, backendTag);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                TrainingInstruments.Activations.Add(1, backendTag, TrainingInstruments.Outcome("failed"));
                throw new ModelActivationException(backend, $"Version {version.Name} of {backend}/{project.Id} did not load: {ex.GetType().Name}: {ex.Message}", ex);
            }
            try
            {
                await WarmUpAsync(generation, project, loaded, warmUpTask, labelConfig, cancellationToken);
                if (fence is null) await activeVersions.SetActiveAsync(backend, project.Id, stored, cancellationToken);
                else await fence.SetActiveAsync(backend, project.Id, stored, cancellationToken);
            }
            catch
            {
                loaded.Retire();
                TrainingInstruments.Activations.Add(1, backendTag, TrainingInstruments.Outcome("failed"));
                throw;
            }
            models.Swap(project.Id, loaded);
            TrainingInstruments.Activations.Add(1, backendTag, TrainingInstruments.Outcome("ok"));
            logger.LogInformation("{Backend}/{Project} now serves {ModelVersion}", backend, project.Id, loaded.ModelVersion);
            return loaded.ModelVersion;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task WarmUpAsync(BackendGeneration generation, ProjectRef project, ModelGeneration loaded, LabelStudioTask? task,
        LabelConfig? labelConfig, CancellationToken cancellationToken)
    {
        var synthetic = task is null;
        task ??= SyntheticTask(labelConfig);
        try
        {
            await invoker.PredictAsync(generation, new PredictInput(project, [task], labelConfig?.Xml, Model: loaded), PredictPurpose.WarmUp, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The backend's own exception, not the invoker's wrapper, is what whoever fixes it needs to read.
            var cause = ex is BackendCallException { InnerException: { } inner } ? inner : ex;
            if (synthetic)
            {
                // A made-up task may not suit the backend (an image URL, say): only a real task's failure is fatal.
                logger.LogWarning("Warm-up of {ModelVersion} on a synthetic task failed ({Error}); activating anyway", loaded.ModelVersion, cause.Message);
                return;
            }
            throw new ModelActivationException(generation.Name, $"{loaded.ModelVersion} failed its warm-up prediction: {cause.GetType().Name}: {cause.Message}", cause);
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
