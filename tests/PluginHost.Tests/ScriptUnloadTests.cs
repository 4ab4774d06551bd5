using System.Runtime.Loader;

namespace PluginHost.Tests;

/// <summary>Counts loaded assemblies and memory: must not share the process with tests loading code in parallel.</summary>
[CollectionDefinition(nameof(ScriptUnloadTests), DisableParallelization = true)]
public sealed class UnloadCollection;

/// <summary>Every edit loads a new collectible context; old ones must unload, ML.NET included.</summary>
[Collection(nameof(ScriptUnloadTests))]
public sealed class ScriptUnloadTests
{
    private const int Edits = 200;

    [Fact]
    public async Task Two_hundred_edits_grow_neither_the_loaded_assemblies_nor_memory()
    {
        await using var kit = await ScriptKit.StartAsync(("churn.csx", TestScripts.Choice("v0")));
        await EditAsync(kit, 1, 20); // Warm up: JIT, reference caches, pools.
        var before = await SettleAsync(kit);

        await EditAsync(kit, 21, Edits);
        var after = await SettleAsync(kit);

        Assert.True(after.Contexts <= 1, $"{after.Contexts} script load contexts not collected after {Edits} edits (before: {before.Contexts}).");
        Assert.True(after.Assemblies <= before.Assemblies + 2, $"loaded assemblies grew from {before.Assemblies} to {after.Assemblies} over {Edits} edits.");
        var managedMb = (after.Managed - before.Managed) / 1048576.0;
        Assert.True(managedMb < 16, $"managed memory grew by {managedMb:0.0} MB over {Edits} edits.");
        // Loader heaps and JIT code of leaked contexts are native: the process's private memory shows them.
        var privateMb = (after.Private - before.Private) / 1048576.0;
        Assert.True(privateMb < 64, $"private memory grew by {privateMb:0.0} MB over {Edits} edits.");
    }

    [Fact]
    public async Task A_script_using_mlnet_shares_the_hosts_copy_and_its_old_versions_unload()
    {
        var mlnet = Path.Combine(PluginFolders.RepoRoot, "artifacts", "script-libs", "mlnet");
        Assert.True(File.Exists(Path.Combine(mlnet, "Microsoft.ML.Data.dll")), $"{mlnet} is filled by building host/PluginHost.");
        await using var kit = await ScriptKit.StartAsync(("sentiment.csx", MlNetScript("gen0")));
        Assert.Matches("^(Positive|Negative) gen0$", await kit.ChoiceAsync("sentiment"));
        // ML.NET is the host's (never in a collectible context: docs/hardening.md, "The runtime crash").
        Assert.DoesNotContain(ScriptContexts(kit).SelectMany(c => c.Assemblies), a => a.GetName().Name == "Microsoft.ML.Data");
        Assert.Contains(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "Microsoft.ML.Data");

        for (var generation = 1; generation <= 3; generation++)
        {
            kit.Write("sentiment.csx", MlNetScript($"gen{generation}"));
            await kit.Source.RescanAsync(CancellationToken.None);
            Assert.Matches($"^(Positive|Negative) gen{generation}$", await kit.ChoiceAsync("sentiment"));
        }
        var contexts = (await SettleAsync(kit)).Contexts;
        Assert.True(contexts <= 1, $"{contexts} ML.NET script contexts alive after 3 edits: the shared ML.NET pins old versions.");
    }

    private static async Task EditAsync(ScriptKit kit, int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            kit.Write("churn.csx", TestScripts.Choice($"v{i}"));
            // Driven directly (the watcher fires too; the fingerprint makes its rescan a no-op): 200 edits stay fast.
            await kit.Source.RescanAsync(CancellationToken.None);
            Assert.Equal($"v{i}", await kit.ChoiceAsync("churn"));
        }
    }

    /// <summary>Collects until the old contexts are gone (or 10 s passed); returns what is left.</summary>
    private static async Task<(int Contexts, int Assemblies, long Managed, long Private)> SettleAsync(ScriptKit kit)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (kit.LiveContexts() > 1 && DateTime.UtcNow < deadline)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(20);
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var managed = GC.GetTotalMemory(forceFullCollection: true);
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return (kit.LiveContexts(), AppDomain.CurrentDomain.GetAssemblies().Length, managed, process.PrivateMemorySize64);
    }

    private static IEnumerable<PluginHost.Scripts.ScriptLoadContext> ScriptContexts(ScriptKit kit) =>
        AssemblyLoadContext.All.OfType<PluginHost.Scripts.ScriptLoadContext>().Where(c => c.ScriptPath.StartsWith(kit.Dir, StringComparison.Ordinal));

    private static string MlNetScript(string marker) => $$"""
        #r "mlnet"
        using Microsoft.ML;
        using Microsoft.ML.Data;

        public sealed class Sentiment : ILabelStudioBackend
        {
            private readonly PredictionEngine<Input, Output> _engine;

            public Sentiment()
            {
                var ml = new MLContext(seed: 1);
                var rows = new[] { "good great love", "great fine good", "love it good", "bad awful hate", "awful bad poor", "hate poor bad" }
                    .Select((text, i) => new Input { Text = text, Label = i < 3 });
                var pipeline = ml.Transforms.Text.FeaturizeText("Features", nameof(Input.Text))
                    .Append(ml.BinaryClassification.Trainers.LbfgsLogisticRegression());
                _engine = ml.Model.CreatePredictionEngine<Input, Output>(pipeline.Fit(ml.Data.LoadFromEnumerable(rows)));
            }

            public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken)
            {
                var results = new List<Prediction>();
                foreach (var task in context.Tasks)
                {
                    Output output;
                    lock (_engine) output = _engine.Predict(new Input { Text = "good love " + task.GetData("text") });
                    var label = output.Positive ? "Positive" : "Negative";
                    results.Add(new Prediction([Regions.Choices("choice", "text", [$"{label} {{marker}}"], output.Probability)]));
                }
                return ValueTask.FromResult<IReadOnlyList<Prediction>>(results);
            }

            public sealed class Input
            {
                public string Text { get; set; } = "";
                public bool Label { get; set; }
            }

            public sealed class Output
            {
                [ColumnName("PredictedLabel")] public bool Positive { get; set; }
                public float Probability { get; set; }
            }
        }
        """;
}
