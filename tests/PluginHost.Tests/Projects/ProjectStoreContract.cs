using PluginHost.Projects;

namespace PluginHost.Tests.Projects;

/// <summary>
/// What every <see cref="IProjectStore"/> must do, whatever it stores in. Derive once per implementation and say how to
/// open a store: every <see cref="OpenStoreAsync"/> of one test instance must see the same backing storage (for files: a
/// restart on the same MODEL_DIR; for Redis: another replica on the same server).
/// </summary>
public abstract class ProjectStoreContract : IAsyncLifetime
{
    protected static readonly ProjectKey Key = new("TextClassifier", "7");

    /// <summary>A new store instance on this test's shared storage.</summary>
    protected abstract Task<IProjectStore> OpenStoreAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_unknown_project_reads_empty()
    {
        var store = await OpenStoreAsync();
        var snapshot = await store.GetAsync(Key, CancellationToken.None);
        Assert.Empty(snapshot.Values);
        Assert.Null(snapshot.LabelConfigXml);
        Assert.True(snapshot.ExtraParams.IsEmpty);
    }

    [Fact]
    public async Task A_written_value_is_read_back_and_survives_a_new_instance()
    {
        var store = await OpenStoreAsync();
        var written = await store.SetAsync(Key, ProjectValueNames.ExtraParams, """{"threshold":0.4}""", CancellationToken.None);
        Assert.Equal(0.4, written.ExtraParams.GetDouble("threshold", 0));
        Assert.Equal("""{"threshold":0.4}""", (await store.GetAsync(Key, CancellationToken.None)).Get(ProjectValueNames.ExtraParams));

        var other = await OpenStoreAsync();
        Assert.Equal(0.4, (await other.GetAsync(Key, CancellationToken.None)).ExtraParams.GetDouble("threshold", 0));
    }

    [Fact]
    public async Task Backend_names_are_case_insensitive_and_projects_are_separate()
    {
        var store = await OpenStoreAsync();
        await store.SetAsync(new ProjectKey("textclassifier", "7"), ProjectValueNames.LabelConfig, "<View/>", CancellationToken.None);
        Assert.Equal("<View/>", (await store.GetAsync(new ProjectKey("TEXTCLASSIFIER", "7"), CancellationToken.None)).LabelConfigXml);
        Assert.Null((await store.GetAsync(new ProjectKey("textclassifier", "8"), CancellationToken.None)).LabelConfigXml);
        Assert.Null((await store.GetAsync(new ProjectKey("ner", "7"), CancellationToken.None)).LabelConfigXml);
    }

    [Fact]
    public async Task Concurrent_counter_additions_are_all_counted()
    {
        var store = await OpenStoreAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ =>
            Task.Run(async () => await store.AddAsync(Key, ProjectValueNames.AnnotationsSinceJob, 1, CancellationToken.None))));
        Assert.Equal(40, results.Max());
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), results.Order());
        Assert.Equal(40, (await store.GetAsync(Key, CancellationToken.None)).Counter(ProjectValueNames.AnnotationsSinceJob));

        await store.SetAsync(Key, ProjectValueNames.AnnotationsSinceJob, "0", CancellationToken.None);
        Assert.Equal(2, await store.AddAsync(Key, ProjectValueNames.AnnotationsSinceJob, 2, CancellationToken.None));
    }

    [Fact]
    public async Task A_cached_read_completes_without_waiting()
    {
        var store = await OpenStoreAsync();
        await store.SetAsync(Key, ProjectValueNames.LabelConfig, "<View/>", CancellationToken.None);
        await store.GetAsync(Key, CancellationToken.None);
        // The predict path relies on this: after the first read, no I/O.
        Assert.True(store.GetAsync(Key, CancellationToken.None).IsCompletedSuccessfully);
    }
}
