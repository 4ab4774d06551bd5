namespace PluginHost.Tests;

/// <summary>Scripts edited in a running host: new code serves within 2 s, broken code never replaces good code.</summary>
public sealed class ScriptReloadTests
{
    private static readonly TimeSpan ReloadBudget = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task An_edited_script_serves_its_new_behaviour_within_two_seconds_with_a_new_model_version()
    {
        await using var kit = await ScriptKit.StartAsync(("answer.csx", TestScripts.Choice("first")));
        Assert.Equal("first", await kit.ChoiceAsync("answer"));
        var (_, before) = await kit.PredictAsync("answer");
        var firstVersion = (string?)before["results"]![0]!["model_version"];
        Assert.StartsWith("answer-", firstVersion);

        kit.Write("answer.csx", TestScripts.Choice("second"));
        var took = await ScriptKit.WaitUntilAsync(async () => await kit.ChoiceAsync("answer") == "second", ReloadBudget, "the edited script to serve");
        Assert.True(took < ReloadBudget, $"took {took.TotalMilliseconds:0} ms");

        var (_, after) = await kit.PredictAsync("answer");
        Assert.NotEqual(firstVersion, (string?)after["results"]![0]!["model_version"]);
    }

    [Fact]
    public async Task A_syntax_error_keeps_the_old_version_serving_and_reports_the_right_line_until_fixed()
    {
        await using var kit = await ScriptKit.StartAsync(("answer.csx", TestScripts.Choice("good")));
        Assert.Equal("good", await kit.ChoiceAsync("answer"));

        var broken = TestScripts.Choice("bad").Replace(".ToList();", ".ToList() // missing semicolon");
        var line = TestScripts.LineOf(broken, "missing semicolon");
        kit.Write("answer.csx", broken);
        await ScriptKit.WaitUntilAsync(async () => (string?)(await kit.HostHealthEntryAsync("answer"))?["state"] == "failed", ReloadBudget, "the compile failure");

        Assert.Equal("good", await kit.ChoiceAsync("answer"));
        var entry = (await kit.HostHealthEntryAsync("answer"))!;
        Assert.Equal("UP", (string?)entry["status"]);
        Assert.Contains("answer.csx does not compile (1 error)", (string?)entry["error"]);
        var diagnostic = Assert.Single(entry["diagnostics"]!.AsArray());
        Assert.Matches($@"^answer\.csx\({line},\d+\): error CS1002: ; expected$", (string?)diagnostic);

        var (status, own) = await kit.Host.GetAsync("/answer/health");
        Assert.Equal(200, status);
        Assert.Equal("failed", (string?)own["state"]);
        Assert.Matches($@"^answer\.csx\({line},\d+\): error CS1002", (string?)own["diagnostics"]![0]);

        kit.Write("answer.csx", TestScripts.Choice("fixed"));
        await ScriptKit.WaitUntilAsync(async () => await kit.ChoiceAsync("answer") == "fixed", ReloadBudget, "the fixed script");
        Assert.Equal("ready", (string?)(await kit.HostHealthEntryAsync("answer"))!["state"]);
    }

    [Fact]
    public async Task A_script_that_never_compiled_answers_503_json_with_its_diagnostics()
    {
        var code = TestScripts.Choice("x", extraMember: "private int Broken => undefinedName;");
        var line = TestScripts.LineOf(code, "undefinedName");
        await using var kit = await ScriptKit.StartAsync(("broken.csx", code), ("fine.csx", TestScripts.Choice("ok")));

        var (status, body) = await kit.PredictAsync("broken");
        Assert.Equal(503, status);
        Assert.Equal("broken", (string?)body["backend"]);
        Assert.Contains("failed to load", (string?)body["detail"]);
        Assert.Contains("broken.csx does not compile", (string?)body["detail"]);
        Assert.Matches($@"^broken\.csx\({line},\d+\): error CS0103: The name 'undefinedName' does not exist", (string?)body["diagnostics"]![0]);

        var (healthStatus, health) = await kit.Host.GetAsync("/broken/health");
        Assert.Equal(503, healthStatus);
        Assert.NotEmpty(health["diagnostics"]!.AsArray());
        Assert.Equal("ok", await kit.ChoiceAsync("fine"));
    }

    [Fact]
    public async Task Errors_in_a_loaded_file_name_that_file_and_its_line_and_editing_the_loaded_file_reloads()
    {
        const string Helper = """
            public static class Words
            {
                public static string Pick() => "from-helper";
            }
            """;
        const string Main = """
            #load "lib/words.csx"
            // The helper lives in a subfolder: it is not a backend by itself.
            public sealed class Uses : ILabelStudioBackend
            {
                public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken) =>
                    ValueTask.FromResult<IReadOnlyList<Prediction>>([new Prediction([Regions.Choices("choice", "text", [Words.Pick()])])]);
            }
            """;
        await using var kit = await ScriptKit.StartAsync(("uses.csx", Main), ("lib/words.csx", Helper));
        Assert.Equal("from-helper", await kit.ChoiceAsync("uses"));
        Assert.DoesNotContain((await kit.Host.GetAsync("/health")).Body["backends"]!.AsArray(), b => (string?)b!["name"] == "words");

        kit.Write("lib/words.csx", Helper.Replace("\"from-helper\";", "\"edited\";"));
        await ScriptKit.WaitUntilAsync(async () => await kit.ChoiceAsync("uses") == "edited", ReloadBudget, "the edited helper");

        var broken = Helper.Replace("=> \"from-helper\";", "=> 42;");
        kit.Write("lib/words.csx", broken);
        await ScriptKit.WaitUntilAsync(async () => (string?)(await kit.HostHealthEntryAsync("uses"))?["state"] == "failed", ReloadBudget, "the failure");
        var diagnostic = (string?)(await kit.HostHealthEntryAsync("uses"))!["diagnostics"]![0];
        Assert.Matches($@"^lib/words\.csx\({TestScripts.LineOf(broken, "42")},\d+\): error CS0029", diagnostic);
        Assert.Equal("edited", await kit.ChoiceAsync("uses"));
    }

    [Fact]
    public async Task A_load_cycle_and_a_missing_reference_are_reported_at_their_directive()
    {
        await using var kit = await ScriptKit.StartAsync(
            ("a.csx", "#load \"lib/b.csx\"\n" + TestScripts.Choice("a")),
            ("lib/b.csx", "// b loads a back\n#load \"../a.csx\"\npublic static class B;"),
            ("dll.csx", "\n#r \"nowhere/missing.dll\"\n" + TestScripts.Choice("dll")));

        var (_, a) = await kit.PredictAsync("a");
        Assert.Matches(@"^lib/b\.csx\(2,1\): error PHS003: #load cycle: a\.csx -> lib/b\.csx -> a\.csx\.$", (string?)a["diagnostics"]![0]);
        var (_, dll) = await kit.PredictAsync("dll");
        Assert.Matches(@"^dll\.csx\(2,1\): error PHS001: #r ""nowhere/missing\.dll"": no such DLL", (string?)dll["diagnostics"]![0]);
    }

    [Fact]
    public async Task Deleting_a_script_removes_its_backend_and_a_new_file_adds_one()
    {
        await using var kit = await ScriptKit.StartAsync(("gone.csx", TestScripts.Choice("here")));
        Assert.Equal("here", await kit.ChoiceAsync("gone"));

        kit.Delete("gone.csx");
        await ScriptKit.WaitUntilAsync(async () => (await kit.PredictAsync("gone")).Status == 404, ReloadBudget, "the backend to go");

        kit.Write("Fresh_One.csx", TestScripts.Choice("new"));
        await ScriptKit.WaitUntilAsync(async () => await kit.ChoiceAsync("fresh_one") == "new", ReloadBudget, "the new script");
    }

    [Fact]
    public async Task A_constructor_that_throws_is_a_load_failure_and_the_old_version_keeps_serving()
    {
        await using var kit = await ScriptKit.StartAsync(("ctor.csx", TestScripts.Choice("before")));
        var throwing = TestScripts.Choice("after", extraMember: "public Answer() => throw new InvalidOperationException(\"no rules file\");");
        kit.Write("ctor.csx", throwing);
        await ScriptKit.WaitUntilAsync(async () => (string?)(await kit.HostHealthEntryAsync("ctor"))?["state"] == "failed", ReloadBudget, "the load failure");

        var entry = (await kit.HostHealthEntryAsync("ctor"))!;
        Assert.Contains("ctor.csx: Answer could not be created: InvalidOperationException: no rules file", (string?)entry["error"]);
        // The stack frame in the script, with its line, from the emitted symbols.
        Assert.Contains(entry["diagnostics"]!.AsArray(), d => ((string?)d)!.StartsWith($"ctor.csx({TestScripts.LineOf(throwing, "no rules file")},", StringComparison.Ordinal));
        Assert.Equal("before", await kit.ChoiceAsync("ctor"));
    }
}

/// <summary><c>#r</c> of a DLL beside the script: loaded into the script's own context.</summary>
public sealed class ScriptReferenceTests
{
    [Fact]
    public async Task A_relative_r_reference_runs_the_dll_inside_the_scripts_collectible_context()
    {
        const string Code = """
            // Wraps a backend from a referenced DLL.
            #r "libs/Faulty.dll"
            using PluginHost.TestPlugins.Faulty;

            public sealed class Wrapped : ILabelStudioBackend
            {
                private readonly FaultyBackend _inner = new();

                public ValueTask<IReadOnlyList<Prediction>> PredictAsync(PredictContext context, CancellationToken cancellationToken) =>
                    _inner.PredictAsync(context, cancellationToken);
            }
            """;
        await using var kit = await ScriptKit.StartAsync(("wrapped.csx", Code));
        Directory.CreateDirectory(Path.Combine(kit.Dir, "libs"));
        File.Copy(Path.Combine(PluginFolders.TestPlugin("faulty"), "Faulty.dll"), Path.Combine(kit.Dir, "libs", "Faulty.dll"));
        kit.Write("wrapped.csx", Code + "\n"); // The DLL arrived after the script: the next save picks it up.

        await ScriptKit.WaitUntilAsync(async () => (await kit.PredictAsync("wrapped")).Status == 200, TimeSpan.FromSeconds(60), "the script to compile");
        var (status, body) = await kit.Host.PostAsync("/wrapped/predict", """{"tasks":[{"id":1,"data":{"mode":"throw"}}]}""");
        Assert.Equal(500, status);
        Assert.Equal("InvalidOperationException: the model exploded", (string?)body["detail"]);

        var context = System.Runtime.Loader.AssemblyLoadContext.All.OfType<PluginHost.Scripts.ScriptLoadContext>()
            .Single(c => c.ScriptPath == Path.Combine(kit.Dir, "wrapped.csx") && c.Assemblies.Any());
        Assert.Contains(context.Assemblies, a => a.GetName().Name == "Faulty");
        Assert.True(context.IsCollectible);
    }
}
