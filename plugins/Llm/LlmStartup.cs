using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.Llm;

/// <summary>Fills settings from the Python example's environment names (settings written in configuration win).</summary>
public sealed class LlmStartup : IPluginStartup
{
    public void ConfigureServices(IServiceCollection services, IConfiguration settings) =>
        services.PostConfigure<LlmSettings>(options => LlmEnvironment.Apply(options, settings, Environment.GetEnvironmentVariables()));
}
