namespace PluginHost.Invocation;

/// <summary>Why a prediction runs: steps may treat them differently (e.g. a bulkhead gives jobs a lower priority).</summary>
public enum PredictPurpose
{
    /// <summary><c>POST /predict</c> from Label Studio (interactive or batch).</summary>
    Request,

    /// <summary>The warm-up prediction of a version before it is swapped in (not counted in the metrics).</summary>
    WarmUp,

    /// <summary>A project-wide prediction job.</summary>
    Job,
}
