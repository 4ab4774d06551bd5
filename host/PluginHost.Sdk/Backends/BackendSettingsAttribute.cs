namespace PluginHost.Sdk.Backends;

/// <summary>
/// Marks a settings class: the host binds the backend's <c>Settings</c> configuration section to it, so the backend
/// can take <c>IOptions&lt;T&gt;</c> in its constructor.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class BackendSettingsAttribute : Attribute;
