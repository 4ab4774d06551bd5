using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using PluginHost.Plugins.Segmentation.GroundingDino;
using PluginHost.Plugins.Segmentation.Sam;

namespace PluginHost.Plugins.Segmentation;

/// <summary>
/// The Python examples' environment names (<c>grounding_dino</c>, <c>grounding_sam</c>, <c>segment_anything_model</c>),
/// so a Label Studio user moving over keeps their <c>docker-compose</c> variables. A setting written in the backend's
/// <c>Settings</c> section wins over its variable. The examples' PyTorch checkpoint variables (<c>VITH_CHECKPOINT</c>,
/// <c>MOBILESAM_CHECKPOINT</c>, <c>SAM_CHECKPOINT</c>, <c>GROUNDING_DINO_WEIGHTS</c>) name <c>.pth</c> files ONNX Runtime
/// cannot run, so they map to nothing (docs/sam.md says how to export them).
/// </summary>
internal static class PythonEnvironment
{
    private sealed record Variable<T>(string Setting, string Name, Action<T, string> Apply);

    private static readonly Variable<GroundingDinoSettings>[] DinoVariables =
    [
        new(nameof(GroundingDinoSettings.BoxThreshold), "BOX_THRESHOLD", (s, v) => s.BoxThreshold = Number(v)),
        new(nameof(GroundingDinoSettings.TextThreshold), "TEXT_THRESHOLD", (s, v) => s.TextThreshold = Number(v)),
    ];

    private static readonly Variable<SamSettings>[] SamVariables =
    [
        // SAM_CHOICE=ONNX's decoder: segment-anything's SamOnnxModel export, exactly what DecoderPath takes.
        new(nameof(SamSettings.DecoderPath), "ONNX_CHECKPOINT", (s, v) => s.DecoderPath = v),
    ];

    private static readonly string[] SamCheckpoints = ["MOBILESAM_CHECKPOINT", "VITH_CHECKPOINT", "SAM_CHECKPOINT"];
    private static readonly string[] DinoCheckpoints = ["GROUNDING_DINO_WEIGHTS"];

    public static void Apply(GroundingDinoSettings settings, IConfiguration section, IDictionary environment)
    {
        Apply(DinoVariables, settings, section, environment);
        settings.PythonCheckpoints = Checkpoints(DinoCheckpoints, environment);
    }

    public static void Apply(SamSettings settings, IConfiguration section, IDictionary environment)
    {
        Apply(SamVariables, settings, section, environment);
        settings.PythonCheckpoints = Checkpoints(SamCheckpoints, environment);
    }

    /// <summary>" (MOBILESAM_CHECKPOINT=… is a PyTorch checkpoint …)" for the checkpoint variables that are set, or null:
    /// a user moving from the Python example learns why those are not enough.</summary>
    private static string? Checkpoints(string[] names, IDictionary environment)
    {
        var set = names.Where(n => environment[n] is string { Length: > 0 }).Select(n => $"{n}={environment[n]}").ToList();
        return set.Count == 0 ? null
            : $" ({string.Join(", ", set)}: the Python example's PyTorch checkpoint{(set.Count > 1 ? "s" : "")}, which ONNX Runtime cannot run; " +
              "export to ONNX as docs/sam.md says.)";
    }

    /// <summary>Fills every setting the section leaves unset from its variable, when that is set.</summary>
    /// <exception cref="FormatException">A numeric variable holds no number; the message names the variable.</exception>
    private static void Apply<T>(Variable<T>[] variables, T settings, IConfiguration section, IDictionary environment)
    {
        foreach (var variable in variables)
        {
            if (!string.IsNullOrEmpty(section[variable.Setting])) continue;
            if (environment[variable.Name] is not string { Length: > 0 } value) continue;
            try
            {
                variable.Apply(settings, value.Trim());
            }
            catch (FormatException)
            {
                throw new FormatException($"The environment variable {variable.Name} must be a number, not '{value}'.");
            }
        }
    }

    private static double Number(string value) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
}
