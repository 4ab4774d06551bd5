using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace PluginHost.Training;

/// <summary>
/// Runs async work on one dedicated thread whose scheduling priority is below the request threads', so training
/// takes the CPU only when predictions leave it idle. .NET's <see cref="Thread.Priority"/> has no effect on Linux, so
/// the thread also raises its own nice value (Linux schedules threads individually; no privilege is needed to lower
/// one's own priority). Awaits inside the work resume on this thread through a single-threaded
/// <see cref="SynchronizationContext"/> — unless the awaited code uses <c>ConfigureAwait(false)</c>, which is why
/// backends should do their CPU work synchronously inside <c>TrainAsync</c>.
/// </summary>
internal static class LowPriorityThread
{
    private const int PrioProcess = 0;

    /// <summary>Starts a background thread running <paramref name="loop"/> at lowered priority.</summary>
    public static Thread Start(string name, int nice, Action loop, ILogger logger)
    {
        var thread = new Thread(() =>
        {
            Lower(nice, logger);
            loop();
        })
        {
            Name = name,
            IsBackground = true,
            Priority = ThreadPriority.BelowNormal,
        };
        thread.Start();
        return thread;
    }

    /// <summary>Runs <paramref name="work"/> to completion on the calling thread, pumping its continuations here.</summary>
    public static void Run(Func<Task> work)
    {
        var previous = SynchronizationContext.Current;
        var context = new PumpContext();
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            var task = work();
            task.ContinueWith(_ => context.Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            context.RunUntilComplete();
            task.GetAwaiter().GetResult();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>The nice value of the calling thread, or null where it cannot be read.</summary>
    public static int? CurrentNice()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            Marshal.SetLastPInvokeError(0);
            var value = GetPriority(PrioProcess, GetTid());
            return value == -1 && Marshal.GetLastPInvokeError() != 0 ? null : value;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static void Lower(int nice, ILogger logger)
    {
        if (!OperatingSystem.IsLinux() || nice <= 0) return;
        // Never above the process's own priority: a host started under `nice` keeps its training thread below it.
        var target = Math.Min(Math.Max(nice, CurrentNice() ?? 0), 19);
        try
        {
            if (SetPriority(PrioProcess, GetTid(), target) != 0)
                logger.LogWarning("Could not lower the training thread's priority (errno {Errno})", Marshal.GetLastPInvokeError());
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            logger.LogWarning("Could not lower the training thread's priority: {Error}", ex.Message);
        }
    }

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int prio);

    [DllImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static extern int GetPriority(int which, int who);

    private sealed class PumpContext : SynchronizationContext
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();

        public override void Post(SendOrPostCallback d, object? state)
        {
            try
            {
                _queue.Add((d, state));
            }
            catch (InvalidOperationException)
            {
                // A continuation that arrives after the work finished: run it anywhere rather than lose it.
                ThreadPool.QueueUserWorkItem(_ => d(state));
            }
        }

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("Synchronous Send is not supported on the training thread.");

        public override SynchronizationContext CreateCopy() => this;

        public void RunUntilComplete()
        {
            foreach (var (callback, state) in _queue.GetConsumingEnumerable()) callback(state);
        }

        public void Complete() => _queue.CompleteAdding();
    }
}
