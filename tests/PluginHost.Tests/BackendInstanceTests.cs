using Microsoft.Extensions.Configuration;
using static PluginHost.Tests.HotReloadKit;

namespace PluginHost.Tests;

/// <summary>The <c>Backends</c> section: several backends from one plugin, rename, disable, type, failures.</summary>
public sealed class BackendInstanceTests
{
    [Fact]
    public async Task Two_backends_from_one_plugin_get_their_own_settings_and_both_reload_with_it()
    {
        var (host, dir) = await StartWatchingAsync(new Dictionary<string, string?>
        {
            ["Backends:spam:Plugin"] = Route,
            ["Backends:spam:Settings:Label"] = "spam-filter",
            ["Backends:reviews:Plugin"] = Route,
            ["Backends:reviews:Type"] = "VersionedBackend",
            ["Backends:reviews:Settings:Label"] = "review-rater",
            ["Backends:broken:Plugin"] = Route,
            ["Backends:broken:Settings:FailOnStart"] = "true",
            ["Backends:blank:Plugin"] = Route,
            ["Backends:blank:Settings:Label"] = " ",
            ["Backends:wrongtype:Plugin"] = Route,
            ["Backends:wrongtype:Type"] = "NoSuchBackend",
            ["Backends:ghost:Plugin"] = "not-there",
            ["Backends:renamed:Plugin"] = "faulty",
            ["Backends:substring:Enabled"] = "false",
        }, (Route, VersionA), ("faulty", PluginFolders.TestPlugin("faulty")), ("substring", PluginFolders.BuiltIn("substring")));
        await using var _ = host;

        var (spamStatus, spam) = await host.PostAsync("/spam/predict", PredictBody());
        var (reviewsStatus, reviews) = await host.PostAsync("/reviews/predict", PredictBody());
        Assert.Equal((200, 200), (spamStatus, reviewsStatus));
        Assert.Equal("spam-filter", Choice(spam, "label"));
        Assert.Equal("review-rater", Choice(reviews, "label"));
        Assert.Equal("spam-1.0.0", (string?)spam["results"]![0]!["model_version"]);

        // The folder is claimed by the entries: no backend under its own name; the renamed one serves; disabled is gone.
        Assert.Equal(404, (await host.PostAsync($"/{Route}/predict", PredictBody())).Status);
        Assert.Equal(404, (await host.PostAsync("/faulty/predict", PredictBody())).Status);
        Assert.Equal(200, (await host.PostAsync("/renamed/predict", PredictBody())).Status);
        Assert.Equal(404, (await host.PostAsync("/substring/predict", PredictBody())).Status);

        var (brokenStatus, broken) = await host.PostAsync("/broken/predict", PredictBody());
        Assert.Equal(503, brokenStatus);
        Assert.Contains("refuses to start", (string?)broken["detail"]);
        // The plugin's own IValidateOptions<T> class is registered with its settings.
        var (blankStatus, blank) = await host.PostAsync("/blank/predict", PredictBody());
        Assert.Equal(503, blankStatus);
        Assert.Contains("Label must not be blank", (string?)blank["detail"]);
        var (wrongTypeStatus, wrongType) = await host.PostAsync("/wrongtype/predict", PredictBody());
        Assert.Equal(503, wrongTypeStatus);
        Assert.Contains("No backend type 'NoSuchBackend'", (string?)wrongType["detail"]);
        var (ghostStatus, ghost) = await host.GetAsync("/ghost/health");
        Assert.Equal(503, ghostStatus);
        Assert.Contains("'not-there'", (string?)ghost["detail"]);

        // One new build of the plugin reloads every backend made from it, each keeping its settings.
        Replace(VersionB, dir, Route);
        await WaitForBuildAsync(host, "spam", "B");
        await WaitForBuildAsync(host, "reviews", "B");
        var (_, reloaded) = await host.PostAsync("/reviews/predict", PredictBody());
        Assert.Equal("review-rater", Choice(reloaded, "label"));
    }

    [Fact]
    public void The_plan_follows_the_documented_rules()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Backends:spam:Plugin"] = "TextClassifier",
            ["Backends:spam:Settings:Threshold"] = "0.7",
            ["Backends:reviews:Plugin"] = "textclassifier",
            ["Backends:cars:Plugin"] = "detector",
            ["Backends:substring:Enabled"] = "false",
            ["Backends:ner:Settings:Model"] = "big",
            ["Backends:myscript:Settings:X"] = "1",
            ["Backends:odd:Plugin"] = "ocr",
            ["Backends:odd:Enabled"] = "maybe",
            ["Backends:detector:Plugin"] = "yolo",
        }).Build();
        var entries = PluginHost.Plugins.BackendInstanceConfig.ReadAll(configuration);
        var plan = PluginHost.Plugins.BackendInstancePlan.Resolve(entries, ["textclassifier", "detector", "substring", "ner", "ocr", "other"]);

        Assert.Equal(["reviews", "spam"], plan.For("textclassifier").Select(p => p.Name).Order());
        Assert.Equal("0.7", plan.For("textclassifier").Single(p => p.Name == "spam").Settings["Threshold"]);
        Assert.Equal(["cars"], plan.For("detector").Select(p => p.Name)); // renamed; "detector" is taken by another entry
        Assert.Empty(plan.For("substring"));
        Assert.Equal("big", Assert.Single(plan.For("ner")).Settings["Model"]);
        Assert.Equal(["other"], plan.For("other").Select(p => p.Name));
        Assert.Empty(plan.For("ocr"));
        Assert.Contains("Enabled must be true or false", plan.Problems["odd"]);
        Assert.Contains("'yolo'", plan.Problems["detector"]);
        Assert.False(plan.Problems.ContainsKey("myscript")); // not a plugin entry: left to other sources
        Assert.False(plan.Makes("myscript"));
    }
}
