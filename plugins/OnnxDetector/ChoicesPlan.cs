using PluginHost.Imaging;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Plugins.OnnxDetector;

/// <summary><c>Choices</c> on an image from a classification model: the most probable class that has a label
/// (<c>choice="single"</c>, the default) or every labelled class at or above the threshold (<c>choice="multiple"</c>),
/// as the Python example decides.</summary>
internal sealed class ChoicesPlan(ControlTag control, ObjectTag image, YoloModel model, float threshold) : ControlPlan(control, image, model, threshold)
{
    public override IEnumerable<Region> ToRegions(YoloOutputs output, int imageIndex, LetterboxGeometry geometry, DetectorSettings settings)
    {
        var probabilities = Probabilities(output.Image(imageIndex));
        var chosen = new List<(string Label, float P)>();
        if (Control.IsMultipleChoice)
        {
            for (var c = 0; c < probabilities.Length; c++)
                if (probabilities[c] >= Threshold && LabelFor(c) is { } label) chosen.Add((label, probabilities[c]));
        }
        else
        {
            var best = -1;
            for (var c = 0; c < probabilities.Length; c++)
                if (LabelFor(c) is not null && (best < 0 || probabilities[c] > probabilities[best])) best = c;
            if (best >= 0 && probabilities[best] >= Threshold) chosen.Add((LabelFor(best)!, probabilities[best]));
        }
        if (chosen.Count == 0) return [];
        var labels = chosen.Select(c => c.Label).Distinct(StringComparer.Ordinal).ToList();
        return [Regions.Choices(FromName, ToName, labels, Round(chosen.Average(c => c.P)))];
    }

    /// <summary>Ultralytics exports end in a softmax; raw logits from other exporters are turned into probabilities.</summary>
    private static float[] Probabilities(ReadOnlySpan<float> scores)
    {
        var values = scores.ToArray();
        var sum = 0.0;
        var inRange = true;
        foreach (var v in values)
        {
            sum += v;
            inRange &= v is >= 0 and <= 1;
        }
        if (inRange && Math.Abs(sum - 1) < 0.01) return values;
        var max = values.Max();
        var total = 0.0;
        for (var i = 0; i < values.Length; i++) total += values[i] = MathF.Exp(values[i] - max);
        for (var i = 0; i < values.Length; i++) values[i] = (float)(values[i] / total);
        return values;
    }
}
