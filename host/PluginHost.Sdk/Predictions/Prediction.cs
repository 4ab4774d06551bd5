using System.Text.Json.Serialization;

namespace PluginHost.Sdk.Predictions;

/// <summary>One prediction for one task: what Label Studio stores as a <c>Prediction</c>.</summary>
public sealed class Prediction
{
    public Prediction(IReadOnlyList<Region> result, double? score = null, string? modelVersion = null)
    {
        Result = result;
        Score = score;
        ModelVersion = modelVersion;
    }

    /// <summary>An empty prediction: Label Studio keeps one result per task in order, so a task without
    /// regions still gets an item.</summary>
    public static Prediction Empty(string? modelVersion = null) => new([], 0, modelVersion);

    public IReadOnlyList<Region> Result { get; }

    /// <summary>0–1; Label Studio sorts and filters by it.</summary>
    public double? Score { get; }

    /// <summary>Filled by the host with the backend's active version when left null; never sent as null (Label Studio
    /// rejects it: docs/protocol.md §2, §6.4).</summary>
    public string? ModelVersion { get; internal set; }
}

/// <summary>The body of a <c>/predict</c> answer: <c>{"results":[…]}</c>, one item per task in order.</summary>
internal sealed class PredictResponse
{
    public required IReadOnlyList<Prediction> Results { get; init; }

    /// <summary>What the host changed on the way out (e.g. regions dropped past a limit). Label Studio ignores it;
    /// absent when there is nothing to say.</summary>
    public IReadOnlyList<string>? Warnings { get; init; }
}
