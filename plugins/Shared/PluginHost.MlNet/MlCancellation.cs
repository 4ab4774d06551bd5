using System.Reflection;
using Microsoft.ML;

namespace PluginHost.MlNet;

/// <summary>
/// Stops a running ML.NET <c>Fit</c> when a token is cancelled. ML.NET has no token parameter, but the environment
/// inside an <see cref="MLContext"/> implements the internal interface <c>ICancelable</c>; after
/// <c>CancelExecution</c> the trainer's next check throws <see cref="OperationCanceledException"/>.
/// </summary>
public static class MlCancellation
{
    /// <summary>Cancels <paramref name="ml"/>'s running work when <paramref name="cancellationToken"/> is cancelled; dispose to stop listening.</summary>
    public static CancellationTokenRegistration Register(MLContext ml, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? cancellationToken.Register(static state => Cancel((MLContext)state!), ml) : default;

    private static void Cancel(MLContext ml)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        foreach (var field in typeof(MLContext).GetFields(flags))
        {
            var value = field.GetValue(ml);
            var cancelable = value?.GetType().GetInterfaces().FirstOrDefault(i => i.Name == "ICancelable");
            if (cancelable?.GetMethod("CancelExecution") is not { } cancel) continue;
            cancel.Invoke(value, null);
            return;
        }
    }
}
