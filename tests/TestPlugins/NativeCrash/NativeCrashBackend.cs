using System.Runtime.InteropServices;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Predictions;

namespace PluginHost.TestPlugins.NativeCrash;

/// <summary>
/// Crashes its process in native code on demand, as a faulty native library would: a task with
/// <c>{"mode":"segfault"}</c> makes libc read address 0 (<c>strlen(NULL)</c>): a genuine segmentation fault in native
/// code, which the runtime cannot turn into an exception (the process dies with SIGSEGV; a <c>raise(SIGSEGV)</c> would not
/// do: the runtime's handler ignores a signal that is not a fault). Any other task gets an empty prediction.
/// </summary>
public sealed class NativeCrashBackend : ILabelStudioBackend
{
    public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
    {
        if (context.Tasks.Any(t => t.GetData("mode") == "segfault")) StrLen(IntPtr.Zero);
        return ValueTask.FromResult<IReadOnlyList<Prediction>>(context.Tasks.Select(_ => Prediction.Empty()).ToList());
    }

    [DllImport("libc", EntryPoint = "strlen")]
    private static extern nuint StrLen(IntPtr text);
}
