using Microsoft.Playwright;
using PluginHost.Tests;
using PluginHost.Tests.Training;
using static PluginHost.Tests.Training.TrainingRequests;

namespace PluginHost.Ops.Tests;

/// <summary>
/// The status page in a real headless Chromium against a real host: it shows the backends and a trained version, follows a
/// training job's progress over server-sent events without reloading, and shows the new version when the job ends.
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

            // The backend with its state and the trained version with its figures.
            await page.Locator($"#backends tr[data-backend='{Backend}']").GetByText("UP").WaitForAsync();
            var version = page.Locator($"#versions tr[data-version='{Backend}-v1']");
            await version.WaitForAsync();
            Assert.Equal("true", await version.GetAttributeAsync("data-active"));
            Assert.Contains("v1", await version.InnerTextAsync());
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

            // The job ends: the new version appears and is active, still without a reload.
            await page.Locator($"#jobs tr[data-job='{job}'][data-state='succeeded']").WaitForAsync();
            await page.Locator($"#versions tr[data-version='{Backend}-v2'][data-active='true']").WaitForAsync();
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

    private static async Task SetDelayAsync(RunningHost host, int milliseconds) =>
        Assert.Equal(200, (await host.PostAsync($"{Backend}/setup", Setup(SentimentConfig, extraParams: $$"""{"train_delay_ms":{{milliseconds}}}"""))).Status);
}
