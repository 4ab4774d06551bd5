namespace PluginHost.Sdk.Predictions;

/// <summary>Input checks shared by the <see cref="Regions"/> builders; every failure is an <see cref="ArgumentException"/>
/// that names the region type, the argument and the bad value.</summary>
internal static class RegionGuard
{
    /// <summary>How far a percentage may drift past 0 or 100 (float rounding in pixel→percent maths) before it is an error.</summary>
    public const double PercentTolerance = 1e-4;

    private const double ScoreTolerance = 1e-6;

    public static void Names(string type, string fromName, string toName)
    {
        Name(type, fromName, "fromName");
        Name(type, toName, "toName");
    }

    public static void Name(string type, string? value, string parameter)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"A {type} region needs a non-empty {parameter} (the {(parameter == "fromName" ? "control" : "object")} name from the label config).", parameter);
    }

    public static string Id(string type, string? id)
    {
        if (id is null) return Regions.NewId();
        if (string.IsNullOrWhiteSpace(id)) throw new ArgumentException($"A {type} region id must not be empty; pass null for a generated one.", nameof(id));
        return id;
    }

    public static double? Score(string type, double? score)
    {
        if (score is not { } s) return null;
        if (!double.IsFinite(s) || s < -ScoreTolerance || s > 1 + ScoreTolerance)
            throw new ArgumentException($"A {type} region score must lie within 0–1, not {s}.", nameof(score));
        return Math.Clamp(s, 0, 1);
    }

    public static IReadOnlyList<string> Labels(string type, IReadOnlyList<string>? labels, string parameter = "labels", bool allowEmpty = false)
    {
        if (labels is null) throw new ArgumentException($"A {type} region needs its {parameter}; got null.", parameter);
        if (labels.Count == 0 && !allowEmpty) throw new ArgumentException($"A {type} region needs at least one entry in {parameter}.", parameter);
        for (var i = 0; i < labels.Count; i++)
            if (string.IsNullOrWhiteSpace(labels[i]))
                throw new ArgumentException($"A {type} region's {parameter}[{i}] is empty; every entry must be a label name.", parameter);
        return labels;
    }

    /// <summary>A percentage of the image: 0–100, with tiny float drift clamped back in.</summary>
    public static double Percent(string type, string parameter, double value, double max = 100)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"A {type} region's {parameter} must be a finite percentage, not {value}.", parameter);
        if (value < -PercentTolerance || value > max + PercentTolerance)
            throw new ArgumentException($"A {type} region's {parameter} must lie within 0–{max} (percent of the original image), not {value}.", parameter);
        return Math.Clamp(value, 0, max);
    }

    public static double Rotation(string type, double rotation, string parameter = "rotation")
    {
        if (!double.IsFinite(rotation) || rotation < 0 || rotation > 360)
            throw new ArgumentException($"A {type} region's {parameter} must be 0–360 degrees, not {rotation}.", parameter);
        return rotation;
    }

    public static void Finite(string type, string parameter, double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"A {type} region's {parameter} must be a finite number, not {value}.", parameter);
    }
}
