using Microsoft.Extensions.Options;

namespace PluginHost.Training;

/// <summary>Binds the named options of each backend (the name is the route) from <c>Backends:&lt;name&gt;:Training</c>.</summary>
internal sealed class BackendTrainingSettingsSetup(IConfiguration configuration) : IConfigureNamedOptions<BackendTrainingSettings>
{
    public void Configure(string? name, BackendTrainingSettings options)
    {
        if (name is { Length: > 0 }) configuration.GetSection($"Backends:{name}:Training").Bind(options);
    }

    public void Configure(BackendTrainingSettings options) => Configure(Options.DefaultName, options);
}
