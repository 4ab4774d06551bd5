using Microsoft.Playwright;

namespace PluginHost.Ops.Tests;

/// <summary>
/// Debian's Chromium (<c>.ci/install.d/chromium.sh</c>) driven by Playwright: Playwright's own browser download is not
/// reachable here, so it launches the system browser with the flags a container without a display or network needs,
/// in a fresh profile.
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    /// <param name="credentials">Basic-auth user and password the browser answers a 401 with (as a person would type them).</param>
    public static async Task<(IPlaywright Playwright, IBrowserContext Browser)> LaunchAsync(string userDataDir, (string User, string Password)? credentials = null)
    {
        if (!File.Exists(ExecutablePath)) throw new InvalidOperationException($"{ExecutablePath} is missing: run .ci/install.d/chromium.sh (./test.sh does).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchPersistentContextAsync(userDataDir, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Flags,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Timeout = 60_000,
            HttpCredentials = credentials is { } c ? new HttpCredentials { Username = c.User, Password = c.Password } : null,
        });
        return (playwright, browser);
    }
}
