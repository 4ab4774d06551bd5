using Microsoft.Extensions.Options;

namespace PluginHost.TestPlugins.Versioned;

/// <summary>Rejects a blank label: the host registers a plugin's <see cref="IValidateOptions{TOptions}"/> classes.</summary>
public sealed class VersionedSettingsCheck : IValidateOptions<VersionedSettings>
{
    public ValidateOptionsResult Validate(string? name, VersionedSettings options) =>
        string.IsNullOrWhiteSpace(options.Label) ? ValidateOptionsResult.Fail("Label must not be blank.") : ValidateOptionsResult.Success;
}
