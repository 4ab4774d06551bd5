using PluginHost.Sdk.Data;
using Spectre.Console;

namespace PluginHost.Jobs.Cli;

/// <summary>
/// <c>dotnet run --project host/PluginHost -- predict --backend &lt;name&gt; --project &lt;id&gt; [--url --api-key]</c>: runs
/// the same prediction job as <c>POST /&lt;backend&gt;/jobs/predict</c>, in the foreground, with a live progress bar and a
/// summary. The host starts on 127.0.0.1 with a random port and the usual MODEL_DIR, so an interrupted run (Ctrl+C, a
/// crash) resumes where it stopped when the same command runs again. Exit code: 0 all tasks pre-annotated or skipped,
/// 1 some tasks failed, 2 the job failed, 130 interrupted.
/// </summary>
internal static class PredictCommand
{
    public const string Verb = "predict";

    public static async Task<int> RunAsync(string[] args)
    {
        PredictCommandOptions options;
        try
        {
            options = PredictCommandOptions.Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
            return 2;
        }

        var overrides = new Dictionary<string, string?>
        {
            ["PluginHost:Host"] = "127.0.0.1",
            ["PluginHost:Port"] = "0",
            // Only this command's job runs here; other unfinished jobs wait for the server.
            ["PluginHost:Jobs:ResumeOnStart"] = "false",
            ["Logging:LogLevel:Default"] = options.Verbose ? "Information" : "Warning",
        };
        // This command is a process of its own: its backend runs here even when the server isolates it.
        if (options.Backend is { Length: > 0 } backend) overrides[$"Backends:{backend}:Isolation"] = Isolation.BackendPlacement.EmbeddedIsolation;
        var app = PluginHostApp.Create([.. options.HostArgs], overrides);
        using var interrupt = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            await app.StartAsync();
            var jobs = app.Services.GetRequiredService<PredictionJobs>();
            PredictionJob job;
            try
            {
                job = await StartOrResumeAsync(jobs, options);
            }
            catch (JobRequestException ex)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{ex.Message}[/]");
                return 2;
            }
            await FollowAsync(jobs, job, interrupt.Token);
            if (interrupt.IsCancellationRequested)
            {
                await app.StopAsync();
                AnsiConsole.MarkupLineInterpolated($"[yellow]Interrupted: run the same command again to resume job {job.Id}.[/]");
                return 130;
            }
            var info = job.Snapshot();
            PrintSummary(info);
            return info.State == PredictionJobStates.Failed ? 2 : info.Failed > 0 ? 1 : 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Resumes the unfinished job of the same backend, project and selection, else starts one.</summary>
    private static async Task<PredictionJob> StartOrResumeAsync(PredictionJobs jobs, PredictCommandOptions options)
    {
        var request = options.ToRequest();
        var selection = request.Tasks is { } ids ? TaskSelection.OfTasks(ids.Distinct().ToList())
            : request.View is { } view ? TaskSelection.OfView(view) : TaskSelection.All;
        var project = Sdk.Protocol.ProjectRef.FromString(options.Project).Id;
        var unfinished = (await jobs.UnfinishedAsync(CancellationToken.None)).FirstOrDefault(r =>
            r.Backend.Equals(options.Backend, StringComparison.OrdinalIgnoreCase) && r.Project == project && r.Selection.SameAs(selection));
        if (unfinished is not null)
        {
            var connection = options.Url is not null || options.ApiKey is not null ? new LabelStudioConnection(options.Url, options.ApiKey) : null;
            if (await jobs.ResumeAsync(unfinished.Id, connection, CancellationToken.None) is { } resumed)
            {
                AnsiConsole.MarkupLineInterpolated($"Resuming job [bold]{resumed.Id}[/] (started {unfinished.CreatedAt:u}).");
                return resumed;
            }
        }
        var job = await jobs.StartAsync(options.Backend!, request, CancellationToken.None);
        AnsiConsole.MarkupLineInterpolated($"Job [bold]{job.Id}[/]: {job.Backend} pre-annotates project {job.Project} ({job.Record.Selection.Describe()}).");
        return job;
    }

    private static async Task FollowAsync(PredictionJobs jobs, PredictionJob job, CancellationToken interrupt)
    {
        var ended = jobs.WhenEndedAsync(job.Id);
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask("reading tasks", maxValue: 1);
                while (true)
                {
                    var info = job.Snapshot();
                    bar.MaxValue = Math.Max(1, info.Total ?? 1);
                    bar.Value = info.Done + info.Skipped + info.Failed;
                    bar.Description = $"{info.Done} predicted, {info.Skipped} skipped, {info.Failed} failed ({info.TasksPerSecond:0}/s)";
                    if (ended.IsCompleted || interrupt.IsCancellationRequested)
                    {
                        if (PredictionJobStates.IsFinished(info.State)) bar.Value = bar.MaxValue;
                        bar.StopTask();
                        return;
                    }
                    await Task.WhenAny(ended, Task.Delay(200, CancellationToken.None));
                }
            });
    }

    private static void PrintSummary(PredictionJobInfo info)
    {
        var seconds = info is { StartedAt: { } start, FinishedAt: { } end } ? (end - start).TotalSeconds : 0;
        var table = new Table().AddColumn("job").AddColumn(info.Id);
        table.AddRow("state", info.State);
        table.AddRow("tasks", info.Total?.ToString() ?? "?");
        table.AddRow("predicted", info.Done.ToString());
        table.AddRow("skipped", info.Skipped.ToString());
        table.AddRow("failed", info.Failed.ToString());
        table.AddRow("dropped regions", info.DroppedRegions.ToString());
        table.AddRow("model version", string.Join(", ", info.ModelVersions));
        table.AddRow("duration", $"{seconds:0.0} s");
        if (info.Error is { } error) table.AddRow("error", Markup.Escape(error));
        AnsiConsole.Write(table);
        foreach (var failure in info.Failures.Take(10)) AnsiConsole.MarkupLineInterpolated($"[red]task {failure.Task}[/]: {failure.Reason}");
        if (info.Failed > 10) AnsiConsole.MarkupLineInterpolated($"… and {info.Failed - 10} more (GET /{info.Backend}/jobs/{info.Id} lists up to 100).");
    }
}
