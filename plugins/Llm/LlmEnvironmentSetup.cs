using Microsoft.Extensions.Options;
using PluginHost.Sdk.Backends;

namespace PluginHost.Plugins.Llm;

/// <summary>Fills settings from the Python example's environment names (settings written in configuration win). The host
/// registers a plugin's <see cref="IPostConfigureOptions{TOptions}"/> classes with its settings.</summary>
public sealed class LlmEnvironmentSetup(BackendEnvironment environment) : IPostConfigureOptions<LlmSettings>
{
    public void PostConfigure(string? name, LlmSettings options) =>
        LlmEnvironment.Apply(options, environment.Settings, Environment.GetEnvironmentVariables());
}
