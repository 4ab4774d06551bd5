using PluginHost.Projects;

namespace PluginHost.Tests.Projects;

/// <summary>
/// The contract of a store shared by several live instances (replicas): on top of <see cref="ProjectStoreContract"/>, a
/// write on one instance reaches the cache of another that already read the project (e.g. by pub/sub invalidation).
/// </summary>
public abstract class SharedProjectStoreContract : ProjectStoreContract
{
    [Fact]
    public async Task A_write_on_one_instance_reaches_another_that_already_read()
    {
        var first = await OpenStoreAsync();
        var second = await OpenStoreAsync();
        await second.GetAsync(Key, CancellationToken.None);
        await first.SetAsync(Key, ProjectValueNames.LabelConfig, "<View/>", CancellationToken.None);

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((await second.GetAsync(Key, CancellationToken.None)).LabelConfigXml is null && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        Assert.Equal("<View/>", (await second.GetAsync(Key, CancellationToken.None)).LabelConfigXml);
    }

    [Fact]
    public async Task Counters_added_on_two_instances_add_up()
    {
        var first = await OpenStoreAsync();
        var second = await OpenStoreAsync();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(async () => await (i % 2 == 0 ? first : second).AddAsync(Key, ProjectValueNames.AnnotationsSinceJob, 1, CancellationToken.None))));
        Assert.Equal(21, await first.AddAsync(Key, ProjectValueNames.AnnotationsSinceJob, 1, CancellationToken.None));
    }
}
