using Microsoft.Playwright;
using PluginHost.Tests;
using PluginHost.Tests.Shared;
using PluginHost.Tests.Training;
using static PluginHost.Tests.Training.TrainingRequests;

namespace PluginHost.Ops.Tests;

/// <summary>
/// The status page in a real headless Chromium against a real host: it shows the backends and a trained version with the
/// metrics its trainer reported, follows a training job's and a prediction job's progress over server-sent events without
/// reloading, and shows the new version (and its loss curve) when the training job ends.
/// </summary>
public sealed class StatusPageBrowserTests
{
    private const string Backend = "slowtrainer";

    [Fact]
    public async Task Page_shows_a_trained_version_and_follows_a_jobs_progress_without_reload()
    {
        await using var host = await TrainingHost.StartAsync(slowTrainer: true);
        await SetDelayAsync(host, 0);
        await host.TrainAndWaitAsync(Backend, Train(Sentiment));

        var (playwright, browser) = await Chromium.LaunchAsync(TempDirs.Create("chromium-profile"));
        try
        {
            var page = await browser.NewPageAsync();
            var loads = 0;
            page.Load += (_, _) => loads++;
            var consoleErrors = new List<string>();
            page.Console += (_, message) => { if (message.Type == "error") consoleErrors.Add(message.Text); };
            await page.GotoAsync(new Uri(host.BaseAddress, "ui").ToString());

            // The backend with its state and the trained version with the figures its trainer reported.
            await page.Locator($"#backends tr[data-backend='{Backend}']").GetByText("UP").WaitForAsync();
            var version = page.Locator($"#versions tr[data-version='{Backend}-v1']");
            await version.WaitForAsync();
            Assert.Equal("true", await version.GetAttributeAsync("data-active"));
            Assert.Contains("v1", await version.InnerTextAsync());
            Assert.Equal("0.930", await version.Locator("td[data-metric='accuracy']").InnerTextAsync());
            Assert.Equal("16", await version.Locator("td[data-metric='trained_on']").InnerTextAsync());
            var project = page.Locator($"#versions .project[data-backend='{Backend}'][data-project='6']");
            Assert.Contains("accuracy", await project.Locator("svg[aria-label$='per version']").GetAttributeAsync("aria-label"));
            await page.Locator("#live.on").WaitForAsync();

            // A slow job: its progress moves on the page with no reload.
            await SetDelayAsync(host, 2500);
            var (status, answer) = await host.PostAsync($"{Backend}/train", Train(Sentiment));
            Assert.Equal(201, status);
            var job = answer["job"]!.GetValue<string>();
            var progress = page.Locator($"#jobs tr[data-job='{job}'] .progress-text");
            var seen = new List<string>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (seen.Count(p => p.Contains("train", StringComparison.Ordinal)) < 2 || seen.Select(p => p).Distinct().Count() < 3)
            {
                if (await progress.CountAsync() == 1 && await progress.InnerTextAsync() is { } text && (seen.Count == 0 || seen[^1] != text)) seen.Add(text);
                if (DateTime.UtcNow > deadline) throw new TimeoutException("The job's progress did not move on the page: " + string.Join(" | ", seen));
                await Task.Delay(50);
            }
            var percents = seen.Select(s => int.Parse(s.Split('%')[0])).ToList();
            Assert.Equal(percents.Order(), percents);
            Assert.True(percents[^1] > percents[0], string.Join(" | ", seen));

            // The job ends: the new version appears and is active with its loss curve, still without a reload.
            await page.Locator($"#jobs tr[data-job='{job}'][data-state='succeeded']").WaitForAsync();
            await page.Locator($"#versions tr[data-version='{Backend}-v2'][data-active='true']").WaitForAsync();
            Assert.Contains("loss while training v2", await project.Locator(".curve[data-curve='loss']").InnerTextAsync());
            Assert.Equal(1, loads);
            Assert.Empty(consoleErrors);

            var screenshot = Path.Combine(PluginFolders.RepoRoot, "artifacts", "screenshots", "status-page.png");
            Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task Activate_button_behind_basic_auth_rolls_the_project_back_to_a_previous_version()
    {
        await using var host = await TrainingHost.StartAsync(slowTrainer: true, settings: [("PluginHost:BasicAuthUser", "ls"), ("PluginHost:BasicAuthPass", "secret")]);
        host.Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("ls:secret"u8.ToArray()));
        await SetDelayAsync(host, 0);
        await host.TrainAndWaitAsync(Backend, Train(Sentiment));
        await host.TrainAndWaitAsync(Backend, Train(Sentiment));
        using (var anonymous = new HttpClient { BaseAddress = host.BaseAddress })
        {
            Assert.Equal(401, (int)(await anonymous.GetAsync("ui")).StatusCode);
            Assert.Equal(401, (int)(await anonymous.PostAsync($"{Backend}/versions/v1/activate?project=6", null)).StatusCode);
        }

        var (playwright, browser) = await Chromium.LaunchAsync(TempDirs.Create("chromium-profile"), ("ls", "secret"));
        try
        {
            var page = await browser.NewPageAsync();
            await page.GotoAsync(new Uri(host.BaseAddress, "ui").ToString());
            await page.Locator($"#versions tr[data-version='{Backend}-v2'][data-active='true']").WaitForAsync();
            await page.Locator($"#versions tr[data-version='{Backend}-v1'] button").ClickAsync();
            await page.Locator($"#versions tr[data-version='{Backend}-v1'][data-active='true']").WaitForAsync();

            var (_, versions) = await host.GetAsync($"{Backend}/versions?project=6");
            Assert.Equal($"{Backend}-v1", versions["active"]!.GetValue<string>());
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task Page_follows_a_prediction_jobs_progress_without_reload()
    {
        await using var labelStudio = await FakeLabelStudio.StartAsync();
        labelStudio.LabelConfigs["7"] = SentimentConfig;
        labelStudio.AddTasks("7", 1, 200, id => new { text = $"message {id}" });
        // Slow answers so the job takes a few seconds: 20 batches, each a task page read and an import.
        labelStudio.Delay = TimeSpan.FromMilliseconds(60);
        await using var host = await TrainingHost.StartAsync(slowTrainer: true, settings:
            [("PluginHost:LabelStudioUrl", labelStudio.Url), ("PluginHost:LabelStudioApiKey", labelStudio.LegacyToken)]);

        var (playwright, browser) = await Chromium.LaunchAsync(TempDirs.Create("chromium-profile"));
        try
        {
            var page = await browser.NewPageAsync();
            var loads = 0;
            page.Load += (_, _) => loads++;
            await page.GotoAsync(new Uri(host.BaseAddress, "ui").ToString());
            await page.Locator("#live.on").WaitForAsync();
            Assert.True(await page.Locator("#no-predictions").IsVisibleAsync());

            var (status, answer) = await host.PostAsync($"{Backend}/jobs/predict", """{"project":"7","batch_size":10,"concurrency":1}""");
            Assert.True(status == 202, answer.ToJsonString());
            var job = answer["job"]!.GetValue<string>();
            var progress = page.Locator($"#predictions tr[data-job='{job}'] .progress-text");
            var seen = new List<string>();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (seen.Count < 3)
            {
                if (await progress.CountAsync() == 1 && await progress.InnerTextAsync() is { } text && (seen.Count == 0 || seen[^1] != text)) seen.Add(text);
                if (DateTime.UtcNow > deadline) throw new TimeoutException("The prediction job's progress did not move on the page: " + string.Join(" | ", seen));
                await Task.Delay(50);
            }
            // "35% 70/200, 3 s left": the settled count only grows.
            var settled = seen.Select(s => int.Parse(s.Split(' ')[1].Split('/')[0])).ToList();
            Assert.Equal(settled.Order(), settled);
            Assert.True(settled[^1] > settled[0], string.Join(" | ", seen));

            await page.Locator($"#predictions tr[data-job='{job}'][data-state='succeeded']").WaitForAsync(new() { Timeout = 60_000 });
            Assert.Contains("200/200", await progress.InnerTextAsync());
            Assert.Equal(1, loads);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    private static async Task SetDelayAsync(RunningHost host, int milliseconds) =>
        Assert.Equal(200, (await host.PostAsync($"{Backend}/setup",
            Setup(SentimentConfig, extraParams: $$"""{"train_delay_ms":{{milliseconds}},"report_accuracy":0.93}"""))).Status);
}
