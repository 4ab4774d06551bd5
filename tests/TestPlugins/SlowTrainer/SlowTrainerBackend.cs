using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Training;

namespace PluginHost.TestPlugins.SlowTrainer;

/// <summary>
/// A trainable backend whose training takes as long as the project's <c>extra_params.train_delay_ms</c> says, so tests
/// can cancel jobs, pile up events and crash the host mid-training. Its "model" is a text file; <c>extra_params.fail_predict</c>
/// makes a trained model throw (to fail the warm-up). It reports what it trained on as metrics (and a made-up loss curve).
/// </summary>
public sealed class SlowTrainerBackend : TrainableBackend<SlowModel>
{
    public override async Task TrainAsync(TrainingContext context, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(context.ExtraParams.GetDouble("train_delay_ms", 0));
        // Something on disk at once, as a real trainer writing checkpoints would leave behind when killed.
        await File.WriteAllTextAsync(Path.Combine(context.OutputDirectory, "partial.bin"), "checkpoint", cancellationToken);
        var started = DateTime.UtcNow;
        var step = 0;
        while (DateTime.UtcNow - started < delay)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            context.Progress.Report((DateTime.UtcNow - started) / delay);
            context.ReportCurvePoint("loss", ++step, 1.0 / step);
        }
        // What it was given, so tests can check the held-out split by count; "accuracy" when the project's extra_params say.
        var heldOut = context.ValidationExamples.Select(e => e.Task.Id).ToHashSet();
        context.ReportMetric("trained_on", context.Examples.Count);
        context.ReportMetric("held_out", context.ValidationExamples.Count);
        context.ReportMetric("held_out_trained_on", context.Examples.Count(e => heldOut.Contains(e.Task.Id)));
        if (context.ExtraParams.GetDouble("report_accuracy", -1) is var accuracy and >= 0) context.ReportMetric("accuracy", accuracy);
        await File.WriteAllTextAsync(Path.Combine(context.OutputDirectory, "model.txt"), $"examples={context.Examples.Count}", cancellationToken);
    }

    public override async ValueTask<SlowModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        if (context.Directory is null) return null;
        var text = await File.ReadAllTextAsync(Path.Combine(context.Directory, "model.txt"), cancellationToken);
        return new SlowModel(text);
    }

    public override ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, SlowModel? model, CancellationToken cancellationToken)
    {
        if (model is not null && context.ExtraParams.GetBool("fail_predict"))
            throw new InvalidOperationException("this version cannot predict");
        return ValueTask.FromResult<IReadOnlyList<Prediction>>(context.Tasks.Select(_ => Prediction.Empty()).ToList());
    }
}

public sealed class SlowModel(string content) : IDisposable
{
    public string Content { get; } = content;

    public bool Disposed { get; private set; }

    public void Dispose() => Disposed = true;
}
