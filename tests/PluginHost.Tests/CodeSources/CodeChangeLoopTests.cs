using Microsoft.Extensions.Logging.Abstractions;
using PluginHost.CodeSources;

namespace PluginHost.Tests.CodeSources;

public sealed class CodeChangeLoopTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("codechange-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_burst_of_writes_is_one_scan_after_the_debounce()
    {
        var scans = 0;
        var timing = new CodeChangeTiming(Rescan: TimeSpan.Zero, Debounce: TimeSpan.FromMilliseconds(200), MaxDelay: TimeSpan.FromSeconds(5));
        await using var loop = new CodeChangeLoop(_dir, timing, _ => { Interlocked.Increment(ref scans); return Task.CompletedTask; }, NullLogger.Instance);
        loop.Start();

        for (var i = 0; i < 5; i++) await File.WriteAllTextAsync(Path.Combine(_dir, $"f{i}.txt"), "x");

        await WaitUntilAsync(() => Volatile.Read(ref scans) >= 1);
        await Task.Delay(600); // longer than the debounce: a second scan would have run by now
        Assert.Equal(1, Volatile.Read(ref scans));
    }

    [Fact]
    public async Task Without_events_the_periodic_rescan_runs_and_a_failing_scan_does_not_stop_the_loop()
    {
        var scans = 0;
        var timing = new CodeChangeTiming(Rescan: TimeSpan.FromMilliseconds(100), Debounce: TimeSpan.FromMilliseconds(50), MaxDelay: TimeSpan.FromSeconds(1));
        await using var loop = new CodeChangeLoop(Path.Combine(_dir, "missing"), timing,
            _ => Interlocked.Increment(ref scans) == 1 ? throw new IOException("first scan fails") : Task.CompletedTask, NullLogger.Instance);
        loop.Start();

        await WaitUntilAsync(() => Volatile.Read(ref scans) >= 3);
    }

    [Fact]
    public async Task Signal_asks_for_a_scan()
    {
        var scans = 0;
        var timing = new CodeChangeTiming(Rescan: TimeSpan.Zero, Debounce: TimeSpan.FromMilliseconds(50), MaxDelay: TimeSpan.FromSeconds(1));
        await using var loop = new CodeChangeLoop(_dir, timing, _ => { Interlocked.Increment(ref scans); return Task.CompletedTask; }, NullLogger.Instance);
        loop.Start();

        loop.Signal();

        await WaitUntilAsync(() => Volatile.Read(ref scans) >= 1);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true within 10 s");
            await Task.Delay(20);
        }
    }
}
