using System.Text.Json.Nodes;
using static PluginHost.Tests.Training.TrainingRequests;

namespace PluginHost.Tests.Training;

/// <summary>
/// Trainers report evaluation figures on a held-out split the training service makes, and training curves; the figures
/// are stored with the version and answered by <c>/versions</c>, also after a restart.
/// </summary>
public sealed class TrainingMetricsTests
{
    /// <summary>64 annotated tasks (the 16 sentiment sentences, four times with a different tail): enough to hold 20 % out.</summary>
    private static readonly (string Text, string Label)[] Sentiment64 =
        [.. Enumerable.Range(0, 4).SelectMany(k => Sentiment.Select(s => ($"{s.Text} (review {k})", s.Label)))];

    [Fact]
    public async Task Textclassifier_version_answers_held_out_accuracy_macro_f1_and_its_loss_curve_also_after_restart()
    {
        var modelDir = TempDirs.Create("metrics-models");
        JsonNode first;
        await using (var host = await TrainingHost.StartAsync(modelDir))
        {
            await host.TrainAndWaitAsync("textclassifier", Train(Sentiment64));
            var (status, versions) = await host.GetAsync("textclassifier/versions?project=6");
            Assert.Equal(200, status);
            first = versions["details"]!.AsArray().Single()!;

            Assert.Equal(64, first["examples"]!.GetValue<int>());
            Assert.Equal(13, first["validation_examples"]!.GetValue<int>()); // round(0.2 × 64)
            var metrics = first["metrics"]!;
            // The held-out sentences differ from trained ones only in their tail: a working model gets them right.
            Assert.InRange(metrics["accuracy"]!.GetValue<double>(), 0.9, 1.0);
            Assert.InRange(metrics["macro_f1"]!.GetValue<double>(), 0.9, 1.0);
            var loss = first["curves"]!["loss"]!.AsArray().Select(p => (Step: p!["step"]!.GetValue<int>(), Value: p["value"]!.GetValue<double>())).ToList();
            Assert.True(loss.Count >= 3, $"{loss.Count} loss points");
            Assert.Equal(Enumerable.Range(0, loss.Count), loss.Select(p => p.Step));
            Assert.True(loss[^1].Value < loss[0].Value / 2, $"loss {loss[0].Value} → {loss[^1].Value}");

            // The bare route (default backend) answers the same details.
            var (_, bare) = await host.GetAsync("versions?project=6");
            Assert.Equal(first.ToJsonString(), bare["details"]![0]!.ToJsonString());
        }

        await using var restarted = await TrainingHost.StartAsync(modelDir);
        var (_, afterRestart) = await restarted.GetAsync("textclassifier/versions?project=6");
        Assert.Equal(first.ToJsonString(), afterRestart["details"]![0]!.ToJsonString());
    }

    [Fact]
    public async Task The_trainer_never_sees_the_held_out_examples()
    {
        await using var host = await TrainingHost.StartAsync(slowTrainer: true, settings: [("Backends:slowtrainer:Training:ValidationMinTasks", "10")]);
        var job = await host.TrainAndWaitAsync("slowtrainer", Train(Sentiment));
        Assert.Equal(16, job["examples"]!.GetValue<int>());

        var (_, versions) = await host.GetAsync("slowtrainer/versions?project=6");
        var version = versions["details"]!.AsArray().Single()!;
        Assert.Equal(16, version["examples"]!.GetValue<int>());
        Assert.Equal(3, version["validation_examples"]!.GetValue<int>()); // round(0.2 × 16)
        // What the test trainer counted in its TrainingContext: 13 to learn from, 3 held out, none of those among the 13.
        var metrics = version["metrics"]!;
        Assert.Equal(13, metrics["trained_on"]!.GetValue<double>());
        Assert.Equal(3, metrics["held_out"]!.GetValue<double>());
        Assert.Equal(0, metrics["held_out_trained_on"]!.GetValue<double>());
    }
}
