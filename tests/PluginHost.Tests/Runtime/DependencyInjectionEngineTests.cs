using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace PluginHost.Tests.Runtime;

/// <summary>The switch in Directory.Build.props reaches the process: service providers resolve by reflection and never
/// compile services to DynamicMethods (the code generation both crash dumps of docs/hardening.md were in).</summary>
public sealed class DependencyInjectionEngineTests
{
    [Fact]
    public void Service_providers_use_the_reflection_engine()
    {
        Assert.True(AppContext.TryGetSwitch("Microsoft.Extensions.DependencyInjection.DisableDynamicEngine", out var disabled) && disabled,
            "the runtimeconfig switch is missing");

        using var provider = new ServiceCollection().AddSingleton<object>().BuildServiceProvider();
        var engine = typeof(ServiceProvider).GetFields(BindingFlags.Instance | BindingFlags.NonPublic)
            .Single(f => f.FieldType.Name == "ServiceProviderEngine")
            .GetValue(provider);
        Assert.Equal("RuntimeServiceProviderEngine", engine?.GetType().Name);
    }
}
