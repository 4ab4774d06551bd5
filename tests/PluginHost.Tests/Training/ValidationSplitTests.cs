using PluginHost.Sdk.Protocol;
using PluginHost.Sdk.Training;
using PluginHost.Training;

namespace PluginHost.Tests.Training;

/// <summary>The held-out split the training service makes: whole tasks, a deterministic share, none for small projects.</summary>
public sealed class ValidationSplitTests
{
    private static List<TrainingExample> Examples(int tasks, int annotationsPerTask = 1) =>
        Enumerable.Range(1, tasks)
            .SelectMany(t => Enumerable.Range(0, annotationsPerTask).Select(a => new TrainingExample(new LabelStudioTask { Id = t }, new Annotation { Id = t * 10 + a })))
            .ToList();

    [Fact]
    public void Holds_out_the_fraction_of_tasks_with_every_annotation_of_a_held_out_task()
    {
        var examples = Examples(tasks: 100, annotationsPerTask: 2);
        var (training, validation) = ValidationSplit.Of(examples, fraction: 0.2, minTasks: 50, seed: 0);

        var heldOutTasks = validation.Select(e => e.Task.Id).ToHashSet();
        Assert.Equal(20, heldOutTasks.Count);
        Assert.Equal(40, validation.Count);
        Assert.Equal(160, training.Count);
        Assert.DoesNotContain(training, e => heldOutTasks.Contains(e.Task.Id));
        // Not simply the first or last tasks.
        Assert.NotEqual(Enumerable.Range(1, 20).Select(i => (long)i), heldOutTasks.Order());
        Assert.NotEqual(Enumerable.Range(81, 20).Select(i => (long)i), heldOutTasks.Order());
    }

    [Fact]
    public void The_same_seed_and_tasks_give_the_same_split_in_any_order_and_another_seed_another_split()
    {
        var examples = Examples(80);
        var once = ValidationSplit.Of(examples, 0.25, 10, seed: 7).Validation.Select(e => e.Task.Id).Order().ToList();
        var shuffled = examples.OrderBy(e => (e.Task.Id * 7919) % 83).ToList();
        var again = ValidationSplit.Of(shuffled, 0.25, 10, seed: 7).Validation.Select(e => e.Task.Id).Order().ToList();
        var otherSeed = ValidationSplit.Of(examples, 0.25, 10, seed: 8).Validation.Select(e => e.Task.Id).Order().ToList();

        Assert.Equal(20, once.Count);
        Assert.Equal(once, again);
        Assert.NotEqual(once, otherSeed);
    }

    [Theory]
    [InlineData(49, 50, 0.2)]
    [InlineData(500, 50, 0)]
    public void Small_projects_or_a_zero_fraction_hold_nothing_out(int tasks, int minTasks, double fraction)
    {
        var examples = Examples(tasks);
        var (training, validation) = ValidationSplit.Of(examples, fraction, minTasks, seed: 0);
        Assert.Same(examples, training);
        Assert.Empty(validation);
    }
}
