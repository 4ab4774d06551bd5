using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;
using PluginHost.Sdk.Training;

namespace MyBackend;

/// <summary>
/// A text classifier for a labelling config such as
/// <code>
/// &lt;View&gt;
///   &lt;Text name="text" value="$text"/&gt;
///   &lt;Choices name="sentiment" toName="text"&gt;
///     &lt;Choice value="Positive"/&gt;&lt;Choice value="Negative"/&gt;
///   &lt;/Choices&gt;
/// &lt;/View&gt;
/// </code>
/// The host finds this class by itself (any public class implementing <c>ILabelStudioBackend</c>), creates one
/// instance per backend, and calls it concurrently: keep it thread-safe and load heavy things once, not per request.
/// Constructor parameters come from the plugin's own service provider: <c>ILogger&lt;T&gt;</c>,
/// <c>IOptions&lt;T&gt;</c> of a <c>[BackendSettings]</c> class, <c>BackendEnvironment</c> and <c>ITaskDataResolver</c>.
/// <para>
/// Deriving from <see cref="TrainableBackend{TModel}"/> makes it trainable: Label Studio's "Start training" and
/// annotation webhooks reach <see cref="TrainAsync"/> (in the background), the host stores each trained version,
/// loads it with <see cref="LoadAsync"/> and hands it to <see cref="PredictAsync"/>. For a backend that never
/// learns, implement <c>ILabelStudioBackend</c> and its single <c>PredictAsync</c> instead.
/// </para>
/// </summary>
public sealed class MyBackendBackend(IOptions<MyBackendSettings> settings, ILogger<MyBackendBackend> logger)
    : TrainableBackend<KeywordModel>
{
    /// <summary>Before the first training: guess from the label names themselves.</summary>
    public override async ValueTask<KeywordModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken) =>
        context.Directory is null ? null : await KeywordModel.LoadAsync(context.Directory, cancellationToken);

    public override ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, KeywordModel? model, CancellationToken cancellationToken)
    {
        // LabelConfig is the project's labelling interface, parsed from its XML. Controls are what annotators fill in
        // (<Choices>, <Labels>, <RectangleLabels>, ...); objects are what they look at (<Text>, <Image>, ...).
        // FindControl("Choices", "Text") is the first <Choices> attached to a <Text>: its Name is the region's
        // from_name, its Object's Name the to_name, and Object.ValueKey the task data key ("$text" -> "text").
        var (control, textObject) = ChoicesOnText(context.RequireLabelConfig());
        model ??= KeywordModel.FromLabelNames(control.LabelValues);

        var predictions = new List<Prediction>(context.Tasks.Count);
        foreach (var task in context.Tasks)
        {
            var text = task.GetData(textObject.ValueKey) ?? "";
            if (model.Classify(text) is not { } guess || guess.Score < settings.Value.MinimumScore)
            {
                // One prediction per task, in order, always: an empty one when there is nothing to say.
                predictions.Add(Prediction.Empty());
                continue;
            }
            // LabelMap maps the model's names onto the config's labels (exact, case-insensitive, or a label's
            // predicted_values="..." alias); null means the project has no such label: do not invent one.
            if (control.LabelMap.Map(guess.Label) is not { } label)
            {
                predictions.Add(Prediction.Empty());
                continue;
            }
            // Regions are built with the typed builders of PluginHost.Sdk.Predictions.Regions, never as raw JSON:
            //   Regions.Choices(fromName, toName, ["Positive"], score)      a <Choices> answer
            //   Regions.Span(fromName, toName, start, end, text, ["ORG"])   a <Labels> span over text
            //   and, for images, rectangles, polygons, key points, brush masks ... (see docs/sdk.md of PluginHost).
            predictions.Add(new Prediction([Regions.Choices(control.Name, textObject.Name, [label], guess.Score)], guess.Score));
        }
        return ValueTask.FromResult<IReadOnlyList<Prediction>>(predictions);
    }

    public override async Task TrainAsync(TrainingContext context, CancellationToken cancellationToken)
    {
        var (control, textObject) = ChoicesOnText(context.LabelConfig);
        var examples = new List<(string Text, string Label)>();
        foreach (var example in context.Examples)
        {
            var text = example.Task.GetData(textObject.ValueKey);
            if (string.IsNullOrEmpty(text)) continue;
            // An annotation's result holds one region per control; take the answers of our <Choices>.
            foreach (var region in example.Annotation.Result.Where(r => r.FromName == control.Name))
                examples.AddRange(region.GetLabels().Select(label => (text, label)));
        }
        if (examples.Count == 0)
            throw new InvalidOperationException($"No annotation answers <Choices name=\"{control.Name}\">: nothing to train on.");

        // Write everything the model needs into OutputDirectory; the host makes it the active version atomically.
        await KeywordModel.Train(examples).SaveAsync(context.OutputDirectory, cancellationToken);
        context.Progress.Report(1);
        logger.LogInformation("Trained on {Count} answers for project {Project}", examples.Count, context.Project.Id);
    }

    private static (ControlTag Control, ObjectTag Text) ChoicesOnText(LabelConfig config)
    {
        var control = config.FindControl("Choices", "Text")
            ?? throw new LabelConfigException("This backend needs a <Choices> control attached to a <Text> object.");
        var text = control.Objects.First(o => o.Type == "text");
        return (control, text);
    }
}
