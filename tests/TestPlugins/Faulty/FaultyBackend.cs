using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Predictions;

namespace PluginHost.TestPlugins.Faulty;

/// <summary>Misbehaves on demand, driven by the first task's data: <c>{"mode":"throw"|"hang"|"wrong-count"|"ok"}</c>.</summary>
public sealed class FaultyBackend : ILabelStudioBackend
{
    public async ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        var mode = context.Tasks.Count > 0 ? context.Tasks[0].GetData("mode") : "ok";
        switch (mode)
        {
            case "throw":
                throw new InvalidOperationException("the model exploded");
            case "hang":
                // Ignores the token on purpose: the host must stop waiting anyway.
                await Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None);
                return [];
            case "wrong-count":
                return [Prediction.Empty(), Prediction.Empty(), Prediction.Empty()];
            default:
                return context.Tasks.Select(_ => Prediction.Empty()).ToList();
        }
    }
}
