using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using PluginHost.Backends;
using static PluginHost.Tests.HotReloadKit;

namespace PluginHost.Tests;

/// <summary>After a swap the old version drains, is disposed, and its load context is really collected.</summary>
public sealed class PluginUnloadTests
{
#if RELEASE
    [Fact]
#else
    [Fact(Skip = "Unloading needs a Release build: the Debug JIT keeps old load contexts alive. Run dotnet test -c Release.")]
#endif
    public async Task The_old_load_context_is_collected_after_a_swap()
    {
        var (host, dir) = await StartWatchingAsync(plugins: (Route, VersionA));
        await using var _ = host;
        await WaitForBuildAsync(host, Route, "A");
        var (context, disposed, unloading) = ObserveCurrent(host.Get<BackendRegistry>(), Route);

        Replace(VersionB, dir, Route);
        await WaitForBuildAsync(host, Route, "B");
        await disposed.WaitAsync(TimeSpan.FromSeconds(10));
        // Unloaded deterministically when the old version drained, not left to a finalizer.
        Assert.True(unloading.IsCompleted, "the old load context was not unloaded when its generation was disposed");

        for (var i = 0; i < 50 && context.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(50);
        }
        Assert.False(context.IsAlive, "the load context of the replaced version is still alive");
        var (_, health) = await host.GetAsync($"/{Route}/health");
        Assert.Equal($"{Route}-2.0.0", (string?)health["model_version"]);
    }

    [Fact]
    public async Task The_old_generation_is_disposed_once_its_requests_finished()
    {
        var (host, dir) = await StartWatchingAsync(plugins: (Route, VersionA));
        await using var _ = host;
        await WaitForBuildAsync(host, Route, "A");
        var (_, disposed, _) = ObserveCurrent(host.Get<BackendRegistry>(), Route);

        // A slow request on the old version is in flight during the swap: it must finish there, and only then may
        // the old version go away.
        var started = System.Diagnostics.Stopwatch.StartNew();
        var slow = host.PostAsync($"/{Route}/predict", PredictBody(delayMs: 5000));
        await Task.Delay(200);
        Replace(VersionB, dir, Route);
        await WaitForBuildAsync(host, Route, "B");
        var disposedEarly = disposed.IsCompleted;
        if (started.Elapsed < TimeSpan.FromSeconds(4)) // else the slow request may legitimately be done already
            Assert.False(disposedEarly, "the old version was disposed while a request still used it");

        var (status, body) = await slow;
        Assert.Equal(200, status);
        Assert.Equal("A", Choice(body, "build"));
        await disposed.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Kept out of line so no local of the test method roots the old version.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (WeakReference Context, Task Disposed, Task Unloading) ObserveCurrent(BackendRegistry registry, string route)
    {
        Assert.True(registry.TryGet(route, out var slot));
        var generation = slot.Current ?? throw new InvalidOperationException("nothing loaded");
        var context = AssemblyLoadContext.GetLoadContext(generation.Backend.GetType().Assembly)!;
        Assert.True(context.IsCollectible);
        Assert.NotSame(AssemblyLoadContext.Default, context);
        var unloading = new TaskCompletionSource();
        context.Unloading += _ => unloading.TrySetResult();
        return (new WeakReference(context), generation.Disposed, unloading.Task);
    }
}
