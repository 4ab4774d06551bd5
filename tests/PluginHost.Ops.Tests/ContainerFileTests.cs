using PluginHost.Configuration;
using PluginHost.Deployment;
using PluginHost.Tests;
using YamlDotNet.RepresentationModel;

namespace PluginHost.Ops.Tests;

/// <summary>
/// The Dockerfile and docker-compose.yml at the repository root agree with each other and with the host's settings (no
/// Docker engine runs here, so this is what can be checked): ports, the folders' environment names and volumes, the
/// health check, the non-root user, and Label Studio wired to PluginHost with one shared API key.
/// </summary>
public sealed class ContainerFileTests
{
    private static readonly string Root = PluginFolders.RepoRoot;

    [Fact]
    public void Dockerfile_builds_with_the_sdk_runs_on_aspnet_as_non_root_with_volumes_and_a_health_check()
    {
        var instructions = Dockerfile.Parse(File.ReadAllText(Path.Combine(Root, "Dockerfile")));
        var from = instructions.Where(i => i.Name == "FROM").Select(i => i.Arguments).ToList();
        Assert.Equal(2, from.Count);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/sdk:\S+ AS build$", from[0]);
        Assert.Matches(@"^mcr\.microsoft\.com/dotnet/aspnet:\S+ AS runtime$", from[1]);
        var runtime = instructions.SkipWhile(i => i.Arguments != from[1]).ToList();

        var user = Assert.Single(runtime, i => i.Name == "USER").Arguments;
        Assert.DoesNotMatch(@"^(root|0)(:|$)", user);
        Assert.Contains(runtime, i => i.Name == "COPY" && i.Arguments.StartsWith("--from=build", StringComparison.Ordinal));

        var env = Dockerfile.Environment(runtime);
        Assert.Equal(new HostSettings().Port.ToString(), env["PORT"]);
        Assert.Equal(env["PORT"], Assert.Single(runtime, i => i.Name == "EXPOSE").Arguments);
        var volumes = Dockerfile.JsonArray(Assert.Single(runtime, i => i.Name == "VOLUME").Arguments);
        Assert.Equal(new[] { env["MODEL_DIR"], env["PLUGINS_DIR"], env["SCRIPTS_DIR"] }.Order(), volumes.Order());
        AssertKnownToTheHost(env);

        var health = Assert.Single(runtime, i => i.Name == "HEALTHCHECK").Arguments;
        Assert.Contains(HealthProbe.Switch, health);
        var entry = Dockerfile.JsonArray(Assert.Single(runtime, i => i.Name == "ENTRYPOINT").Arguments);
        Assert.Equal(["dotnet", "/app/PluginHost.dll"], entry);
        Assert.Contains("/app/PluginHost.dll", health);
    }

    [Fact]
    public void Compose_wires_label_studio_and_pluginhost_with_the_hosts_port_folders_and_one_api_key()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Root, "docker-compose.yml"))) yaml.Load(reader);
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        var host = (YamlMappingNode)services["pluginhost"];
        var studio = (YamlMappingNode)services["label-studio"];
        var hostEnv = Environment(host);
        var studioEnv = Environment(studio);

        Assert.Equal(".", ((YamlScalarNode)host["build"]).Value);
        var port = Assert.Single(Sequence(host, "ports")).Split(':');
        Assert.Equal(hostEnv["PORT"], port[1]);
        Assert.Equal(new HostSettings().Port.ToString(), hostEnv["PORT"]);
        AssertKnownToTheHost(hostEnv);

        // Each folder the host is told about is a volume, at the path the Dockerfile declares.
        var dockerEnv = Dockerfile.Environment(Dockerfile.Parse(File.ReadAllText(Path.Combine(Root, "Dockerfile"))));
        var mounts = Sequence(host, "volumes").Select(v => v.Split(':')[1]).ToHashSet();
        foreach (var folder in new[] { "MODEL_DIR", "PLUGINS_DIR", "SCRIPTS_DIR" })
        {
            Assert.Contains(hostEnv[folder], mounts);
            Assert.Equal(dockerEnv[folder], hostEnv[folder]);
        }

        // PluginHost reaches Label Studio by its service name and port, with the token Label Studio creates for its admin.
        var labelStudio = new Uri(hostEnv["LABEL_STUDIO_URL"]);
        Assert.Equal("label-studio", labelStudio.Host);
        Assert.Contains($"{labelStudio.Port}:{labelStudio.Port}", Sequence(studio, "ports"));
        Assert.Equal(studioEnv["LABEL_STUDIO_USER_TOKEN"], hostEnv["LABEL_STUDIO_API_KEY"]);
        Assert.StartsWith("${LABEL_STUDIO_API_KEY", hostEnv["LABEL_STUDIO_API_KEY"]);
        foreach (var secret in new[] { "BASIC_AUTH_USER", "BASIC_AUTH_PASS", "WEBHOOK_SECRET" })
            Assert.Matches(@"^\$\{\w+:-.+\}$", hostEnv[secret]);
        Assert.Contains("label-studio", Sequence(host, "depends_on"));
    }

    /// <summary>Every variable set for the host is one it reads (a typo would silently do nothing).</summary>
    private static void AssertKnownToTheHost(IReadOnlyDictionary<string, string> env)
    {
        var logging = new HashSet<string> { "LOG_FORMAT", "LOG_LEVEL" };
        foreach (var (name, value) in env)
        {
            if (logging.Contains(name)) continue;
            var mapped = EnvironmentAliases.Read(n => n == name ? value : null).ToList();
            Assert.True(mapped.Count == 1, $"{name} is not a setting PluginHost reads");
        }
    }

    private static Dictionary<string, string> Environment(YamlMappingNode service) =>
        ((YamlMappingNode)service["environment"]).Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => ((YamlScalarNode)c.Value).Value!);

    private static List<string> Sequence(YamlMappingNode service, string key) =>
        ((YamlSequenceNode)service[key]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
}
