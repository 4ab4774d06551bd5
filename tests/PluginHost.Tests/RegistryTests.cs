using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Backends;
using PluginHost.Configuration;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Predictions;

namespace PluginHost.Tests;

/// <summary>The swap mechanism: leases, retirement and disposal after draining.</summary>
public sealed class RegistryTests
{
    private static BackendRegistry NewRegistry(string defaultBackend = "") =>
        new(Options.Create(new HostSettings { DefaultBackend = defaultBackend }), NullLogger<BackendRegistry>.Instance);

    private static BackendGeneration Generation(string name, string version, Action? onDispose = null) =>
        new(name, new NullBackend(), version, "test", () =>
        {
            onDispose?.Invoke();
            return ValueTask.CompletedTask;
        });

    [Fact]
    public async Task A_replaced_generation_is_disposed_only_after_its_last_lease_ends()
    {
        var registry = NewRegistry();
        var disposed = false;
        var first = Generation("a", "v1", () => disposed = true);
        registry.Publish(first);
        Assert.True(registry.TryGet("A", out var slot));
        Assert.True(slot.TryAcquire(out var lease));

        registry.Publish(Generation("a", "v2"));
        Assert.False(disposed);
        Assert.Equal("v2", slot.Current!.CodeVersion);
        Assert.Equal("v1", lease.Generation.CodeVersion);

        lease.Dispose();
        await first.Disposed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(disposed);
    }

    [Fact]
    public async Task Removing_a_backend_drains_and_disposes_it()
    {
        var registry = NewRegistry();
        var generation = Generation("a", "v1");
        registry.Publish(generation);
        registry.Remove("a");
        Assert.False(registry.TryGet("a", out _));
        await generation.Disposed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(generation.TryAcquire());
    }

    [Fact]
    public async Task Concurrent_leases_across_many_swaps_never_see_a_disposed_generation()
    {
        var registry = NewRegistry();
        var disposedVersions = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        registry.Publish(Generation("a", "v0", () => disposedVersions["v0"] = true));
        registry.TryGet("a", out var slot);
        using var stop = new CancellationTokenSource();
        var violations = 0;
        var leases = 0;
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!slot.TryAcquire(out var lease)) continue;
                if (disposedVersions.ContainsKey(lease.Generation.CodeVersion)) Interlocked.Increment(ref violations);
                Interlocked.Increment(ref leases);
                lease.Dispose();
            }
        })).ToArray();
        var generations = new List<BackendGeneration>();
        for (var i = 1; i <= 200; i++)
        {
            var version = $"v{i}";
            var generation = Generation("a", version, () => disposedVersions[version] = true);
            generations.Add(generation);
            registry.Publish(generation);
        }
        await Task.Delay(50);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(0, violations);
        Assert.True(leases > 0);
        // Every replaced generation was disposed once drained; the current one is alive.
        await Task.WhenAll(generations.SkipLast(1).Select(g => g.Disposed.WaitAsync(TimeSpan.FromSeconds(5))));
        Assert.False(generations[^1].Disposed.IsCompleted);
    }

    [Fact]
    public void Default_is_the_configured_backend_or_the_only_one()
    {
        var single = NewRegistry();
        single.Publish(Generation("only", "v1"));
        Assert.Equal("only", single.Default?.Name);

        var two = NewRegistry();
        two.Publish(Generation("a", "v1"));
        two.Publish(Generation("b", "v1"));
        Assert.Null(two.Default);

        var configured = NewRegistry("b");
        configured.Publish(Generation("a", "v1"));
        configured.Publish(Generation("b", "v1"));
        Assert.Equal("b", configured.Default?.Name);
    }

    [Fact]
    public void A_failed_reload_keeps_the_last_good_generation_serving()
    {
        var registry = NewRegistry();
        registry.Publish(Generation("a", "v1"));
        registry.ReportFailure("a", "broken", ["x.csx(3,1): error CS1002: ; expected"]);
        registry.TryGet("a", out var slot);

        Assert.Equal(BackendState.Failed, slot.Status.State);
        Assert.Equal("v1", slot.Current?.CodeVersion);
        Assert.True(slot.TryAcquire(out var lease));
        lease.Dispose();
    }

    private sealed class NullBackend : ILabelStudioBackend
    {
        public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<Prediction>>([]);
    }
}
