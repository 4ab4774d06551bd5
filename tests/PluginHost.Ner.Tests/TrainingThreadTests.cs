using System.Diagnostics;
using PluginHost.Ner.Corpus;
using PluginHost.Plugins.Ner;
using PluginHost.Plugins.Ner.Model;

namespace PluginHost.Ner.Tests;

/// <summary>
/// The host runs <c>TrainAsync</c> on its low-priority training thread; the work must stay on the calling thread (a
/// <c>Task.Run</c> inside would run it on the thread pool at the request threads' priority) and still stop when cancelled.
/// </summary>
public sealed class TrainingThreadTests
{
    [Fact]
    public void Training_runs_entirely_on_the_calling_thread()
    {
        var (train, _) = SyntheticNerCorpus.Generate(120, 0, seed: 3);
        var directory = Path.Combine(Path.GetTempPath(), "ner-thread-" + Guid.NewGuid().ToString("N"));
        var progress = new ThreadRecordingProgress();
        int trainingThread = 0;
        Task? returned = null;
        try
        {
            // A dedicated thread without a synchronization context, like the host's training thread before it pumps.
            var thread = new Thread(() =>
            {
                trainingThread = Environment.CurrentManagedThreadId;
                returned = new NerBackend().TrainAsync(LabelStudio.Training(train, directory, progress: progress), CancellationToken.None);
            });
            thread.Start();
            thread.Join();

            Assert.NotNull(returned);
            Assert.True(returned.IsCompletedSuccessfully, "TrainAsync should have finished its work before returning to the training thread.");
            Assert.True(progress.Reports.Count >= 3, $"only {progress.Reports.Count} progress reports");
            Assert.All(progress.Reports, r => Assert.Equal(trainingThread, r.ThreadId));
            Assert.True(File.Exists(Path.Combine(directory, NerModel.PipelineFile)));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Cancelling_during_the_fit_stops_ml_net_and_writes_no_model()
    {
        var (train, _) = SyntheticNerCorpus.Generate(1500, 0, seed: 5);
        var directory = Path.Combine(Path.GetTempPath(), "ner-cancel-" + Guid.NewGuid().ToString("N"));
        using var cancellation = new CancellationTokenSource();
        var cancelledAt = new Stopwatch();
        // Progress 0.2 is reported just before Fit: cancel just after, while L-BFGS is iterating.
        var progress = new ThreadRecordingProgress(value =>
        {
            if (value < 0.2 || cancelledAt.IsRunning) return;
            cancelledAt.Start();
            cancellation.CancelAfter(TimeSpan.FromMilliseconds(50)); // well inside a Fit that takes seconds
        });
        try
        {
            var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                new NerBackend().TrainAsync(LabelStudio.Training(train, directory, progress: progress), cancellation.Token));
            Assert.True(cancelledAt.IsRunning, "training never reached the fit");
            // Stopped inside ML.NET's Fit, not by the token check after it: without stopping the fit, this training ran
            // on for 10 s after the cancel (measured); with it, typically well under a second, a few under parallel load.
            Assert.True(error.StackTrace?.Contains("Microsoft.ML.", StringComparison.Ordinal) == true, $"not thrown by ML.NET's Fit: {error}");
            Assert.True(cancelledAt.Elapsed < TimeSpan.FromSeconds(8), $"took {cancelledAt.Elapsed.TotalSeconds:F1} s to stop after the fit began");
            Assert.DoesNotContain(progress.Reports, r => r.Value >= 0.95);
            Assert.False(File.Exists(Path.Combine(directory, NerModel.PipelineFile)));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Records which thread reported each progress value (synchronously, unlike <see cref="Progress{T}"/>).</summary>
    private sealed class ThreadRecordingProgress(Action<double>? onReport = null) : IProgress<double>
    {
        public List<(double Value, int ThreadId)> Reports { get; } = [];

        public void Report(double value)
        {
            lock (Reports) Reports.Add((value, Environment.CurrentManagedThreadId));
            onReport?.Invoke(value);
        }
    }
}
