using PluginHost.Sdk.Predictions;

namespace PluginHost.Plugins.Text;

/// <summary>
/// Turns a text classifier's probabilities into a Label Studio choices prediction. Labels the request's config no
/// longer has are never proposed (Label Studio would reject the prediction).
/// </summary>
public static class ChoicePredictions
{
    /// <summary>The prediction for one text: <see cref="Multiple"/> or <see cref="Single"/> by the model's mode.</summary>
    public static Prediction For(bool multiple, IReadOnlyList<string> modelLabels, IReadOnlyDictionary<string, double> constantLabels, float[] probabilities,
        HashSet<string>? allowed, double threshold, string controlName, string objectName) => multiple
        ? Multiple(modelLabels, constantLabels, probabilities, allowed, threshold, controlName, objectName)
        : Single(modelLabels, probabilities, allowed, controlName, objectName);

    /// <summary>The most probable allowed label, scored with its probability.</summary>
    public static Prediction Single(IReadOnlyList<string> modelLabels, float[] probabilities, HashSet<string>? allowed, string controlName, string objectName)
    {
        var best = -1;
        for (var k = 0; k < probabilities.Length && k < modelLabels.Count; k++)
            if ((allowed is null || allowed.Contains(modelLabels[k])) && (best < 0 || probabilities[k] > probabilities[best])) best = k;
        if (best < 0) return Prediction.Empty();
        var score = Math.Round(probabilities[best], 6);
        return new Prediction([Regions.Choices(controlName, objectName, [modelLabels[best]], score)], score);
    }

    /// <summary>Every allowed label whose probability reaches the threshold (labels always or never chosen in training
    /// carry their observed rate); scored with their mean probability.</summary>
    public static Prediction Multiple(IReadOnlyList<string> modelLabels, IReadOnlyDictionary<string, double> constantLabels, float[] probabilities,
        HashSet<string>? allowed, double threshold, string controlName, string objectName)
    {
        var chosen = new List<(string Label, double P)>();
        for (var k = 0; k < probabilities.Length && k < modelLabels.Count; k++)
            if (probabilities[k] >= threshold) chosen.Add((modelLabels[k], probabilities[k]));
        foreach (var (label, p) in constantLabels)
            if (p >= threshold) chosen.Add((label, p));
        chosen.RemoveAll(c => allowed is not null && !allowed.Contains(c.Label));
        if (chosen.Count == 0) return Prediction.Empty();
        var score = Math.Round(chosen.Average(c => c.P), 6);
        return new Prediction([Regions.Choices(controlName, objectName, chosen.Select(c => c.Label).ToList(), score)], score);
    }

    /// <summary>Before any training: a guess from the label names occurring in each text (or an empty prediction).</summary>
    public static IReadOnlyList<Prediction> FromLabelNames(IReadOnlyList<Sdk.Protocol.LabelStudioTask> tasks, ChoicesTarget target)
    {
        var predictions = new Prediction[tasks.Count];
        for (var i = 0; i < predictions.Length; i++)
        {
            var guess = LabelNameGuesser.Guess(target.TextOf(tasks[i]) ?? "", target.Labels, target.Multiple);
            predictions[i] = guess.Count == 0
                ? Prediction.Empty()
                : new Prediction([Regions.Choices(target.ControlName, target.ObjectName, guess, LabelNameGuesser.Score)], LabelNameGuesser.Score);
        }
        return predictions;
    }
}
