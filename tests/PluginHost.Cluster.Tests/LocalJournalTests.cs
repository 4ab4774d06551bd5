using PluginHost.Cluster;

namespace PluginHost.Cluster.Tests;

public sealed class LocalJournalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("journal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string JournalPath => Path.Combine(_dir, "replica.journal");

    [Fact]
    public async Task Entries_come_back_in_order_once_and_survive_a_new_instance()
    {
        var journal = new LocalJournal(JournalPath);
        for (var i = 0; i < 5; i++) await journal.AppendAsync($$"""{"n":{{i}}}""", CancellationToken.None);

        var reopened = new LocalJournal(JournalPath);   // a restarted replica
        Assert.True(reopened.HasEntries);
        var seen = new List<string>();
        Assert.Equal(5, await reopened.ReplayAsync((e, _) => { seen.Add(e); return Task.CompletedTask; }, CancellationToken.None));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $$"""{"n":{{i}}}"""), seen);
        Assert.False(reopened.HasEntries);
        Assert.Equal(0, await reopened.ReplayAsync((_, _) => Task.CompletedTask, CancellationToken.None));
    }

    [Fact]
    public async Task A_failing_consumer_keeps_the_entry_it_failed_on_and_all_after_it()
    {
        var journal = new LocalJournal(JournalPath);
        foreach (var e in new[] { "a", "b", "c" }) await journal.AppendAsync(e, CancellationToken.None);

        var seen = new List<string>();
        await Assert.ThrowsAsync<InvalidOperationException>(() => journal.ReplayAsync((e, _) =>
        {
            if (e == "b") throw new InvalidOperationException("Redis went away again");
            seen.Add(e);
            return Task.CompletedTask;
        }, CancellationToken.None));
        await journal.AppendAsync("d", CancellationToken.None);

        Assert.Equal(3, await journal.ReplayAsync((e, _) => { seen.Add(e); return Task.CompletedTask; }, CancellationToken.None));
        Assert.Equal(["a", "b", "c", "d"], seen);
    }

    [Fact]
    public async Task A_torn_last_line_is_skipped()
    {
        var journal = new LocalJournal(JournalPath);
        await journal.AppendAsync("whole", CancellationToken.None);
        await File.AppendAllTextAsync(JournalPath, "{\"tor");   // the process died mid-write

        var seen = new List<string>();
        Assert.Equal(1, await journal.ReplayAsync((e, _) => { seen.Add(e); return Task.CompletedTask; }, CancellationToken.None));
        Assert.Equal(["whole"], seen);
    }

    [Fact]
    public async Task A_multi_line_entry_is_refused() =>
        await Assert.ThrowsAsync<ArgumentException>(() => new LocalJournal(JournalPath).AppendAsync("a\nb", CancellationToken.None));
}
