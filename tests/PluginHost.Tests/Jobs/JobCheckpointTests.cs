using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Configuration;
using PluginHost.Jobs;
using PluginHost.Jobs.Checkpoints;

namespace PluginHost.Tests.Jobs;

public sealed class JobCheckpointTests
{
    [Fact]
    public void TheJournalFoldsIntoSettledAndUncertainTasks()
    {
        var progress = new JobProgress();
        progress.Apply(CheckpointEntry.PostingBatch(1, [1, 2, 3], "m-v1"));
        progress.Apply(CheckpointEntry.PostedBatch(1));
        progress.Apply(CheckpointEntry.PostingBatch(2, [4, 5, 6], "m-v1"));
        progress.Apply(CheckpointEntry.SkippedTasks([7]));
        progress.Apply(CheckpointEntry.FailedTask(8, "data"));
        progress.Apply(CheckpointEntry.ReconciledTasks([5]));

        Assert.Equal([1, 2, 3, 5], progress.Posted.Order());
        Assert.Equal([4, 6], progress.Uncertain.Order());
        Assert.True(progress.IsSettled(7) && progress.IsSettled(8) && !progress.IsSettled(4));
        Assert.Equal(2, progress.LastBatch);
        Assert.Equal(["m-v1"], progress.ModelVersions);
    }

    [Fact]
    public async Task TheFileStoreKeepsRecordsAndJournalsAndIgnoresATornLine()
    {
        var paths = new HostPaths(Options.Create(new HostSettings { ModelDir = TempDirs.Create("models") }));
        var store = new FileJobCheckpointStore(paths, NullLogger<FileJobCheckpointStore>.Instance);
        var record = new PredictionJobRecord
        {
            Id = "pj-abc", Backend = "b", Project = "3", Selection = TaskSelection.OfTasks([4, 5]), BatchSize = 10, Concurrency = 1,
            CreatedAt = DateTimeOffset.UtcNow, State = PredictionJobStates.Running,
        };
        await store.SaveAsync(record, CancellationToken.None);
        await store.AppendAsync("pj-abc", [CheckpointEntry.PostingBatch(1, [4], "v"), CheckpointEntry.PostedBatch(1)], CancellationToken.None);
        await File.AppendAllTextAsync(Path.Combine(store.Root, "pj-abc", "journal.jsonl"), """{"kind":"posting","tas""");

        var (loaded, progress) = (await store.LoadAsync("pj-abc", CancellationToken.None))!.Value;
        Assert.Equal(record.Selection.TaskIds, loaded.Selection.TaskIds);
        Assert.Equal(PredictionJobStates.Running, loaded.State);
        Assert.Equal([4L], progress.Posted);
        Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.Null(await store.LoadAsync("../escape", CancellationToken.None));
    }
}
