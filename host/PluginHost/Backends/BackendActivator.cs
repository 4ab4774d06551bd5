using System.Reflection;
using Microsoft.Extensions.Options;
using PluginHost.Configuration;
using PluginHost.Sdk.Backends;
using PluginHost.Sdk.Training;
using PluginHost.Training;

namespace PluginHost.Backends;

/// <summary>
/// Turns loaded code (a plugin's assemblies or a compiled script) into a <see cref="BackendGeneration"/>: a service
/// provider private to that code, holding its backend class and its <see cref="BackendSettingsAttribute"/> option
/// types, with the host's logging and shared services forwarded in.
/// </summary>
public sealed class BackendActivator(
    IServiceProvider hostServices,
    ILoggerFactory loggerFactory,
    HostPaths paths,
    IActiveVersionStore activeVersions,
    BackendContextFactory contexts,
    SharedBackendServices? shared = null)
{
    /// <summary>Creates and starts a generation; throws <see cref="BackendLoadException"/> with a readable reason.</summary>
    public async Task<BackendGeneration> ActivateAsync(BackendDefinition definition, Assembly assembly, string codeVersion,
        Func<ValueTask>? unload, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddOptions();
        var environment = new BackendEnvironment
        {
            Name = definition.Name,
            Settings = definition.Settings,
            ModelDirectory = paths.ModelDir,
            SourceDirectory = definition.SourceDirectory,
        };
        services.AddSingleton(environment);
        services.AddSingleton(definition.Settings);
        foreach (var type in shared?.Types ?? [])
            services.AddSingleton(type, _ => hostServices.GetRequiredService(type));

        var exportedTypes = GetLoadableTypes(assembly);
        foreach (var optionsType in exportedTypes.Where(t => t.GetCustomAttribute<BackendSettingsAttribute>() is not null))
            ConfigureOptions(services, optionsType, definition.Settings);

        // A plugin adjusts its settings the standard way: its IConfigureOptions<T> / IPostConfigureOptions<T> /
        // IValidateOptions<T> classes are registered (e.g. Python SDK environment names onto a settings class).
        foreach (var type in exportedTypes.Where(t => t is { IsAbstract: false, IsInterface: false }))
            foreach (var contract in type.GetInterfaces().Where(IsOptionsSetup))
                services.AddSingleton(contract, type);
        var backendType = ChooseBackendType(definition, exportedTypes);
        services.AddSingleton(backendType);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = false });
        ILabelStudioBackend backend;
        try
        {
            backend = (ILabelStudioBackend)provider.GetRequiredService(backendType);
        }
        catch (Exception ex)
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            var inner = ex is TargetInvocationException { InnerException: { } cause } ? cause : ex;
            throw new BackendLoadException($"{backendType.Name} could not be created: {inner.GetType().Name}: {inner.Message}", inner);
        }

        var version = ModelVersions.Of(definition.Name, backend.Version ?? codeVersion);
        var models = backend is ITrainableBackend trainable
            ? new ProjectModels(definition.Name, version, trainable, activeVersions, contexts)
            : null;
        cancellationToken.ThrowIfCancellationRequested();
        return new BackendGeneration(definition.Name, backend, version, definition.Origin ?? definition.SourceDirectory, async () =>
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            if (unload is not null) await unload().ConfigureAwait(false);
        }, models);
    }

    private static bool IsOptionsSetup(Type contract) =>
        contract.IsGenericType && contract.GetGenericTypeDefinition() is var open &&
        (open == typeof(IConfigureOptions<>) || open == typeof(IPostConfigureOptions<>) || open == typeof(IValidateOptions<>));

    private static Type ChooseBackendType(BackendDefinition definition, IReadOnlyList<Type> types)
    {
        var candidates = types.Where(t => typeof(ILabelStudioBackend).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false, IsGenericTypeDefinition: false }).ToList();
        if (definition.TypeName is { Length: > 0 } wanted)
        {
            return candidates.FirstOrDefault(t => t.FullName == wanted || t.Name == wanted)
                ?? throw new BackendLoadException($"No backend type '{wanted}' in {definition.SourceDirectory}; found: {string.Join(", ", candidates.Select(c => c.FullName))}.");
        }
        // Several classes and no Type: the one named like the backend (route "sam" → SamBackend or Sam), if exactly one is.
        var named = candidates.Where(t => NamedLike(t.Name, definition.Name)).ToList();
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new BackendLoadException($"No public class implementing ILabelStudioBackend in {definition.SourceDirectory}."),
            _ when named.Count == 1 => named[0],
            _ => throw new BackendLoadException($"Several backends in {definition.SourceDirectory} ({string.Join(", ", candidates.Select(c => c.FullName))}); choose one with the backend's \"Type\" setting."),
        };
    }

    private static bool NamedLike(string typeName, string backendName) =>
        typeName.Equals(backendName, StringComparison.OrdinalIgnoreCase)
        || (typeName.EndsWith("Backend", StringComparison.Ordinal) && typeName[..^"Backend".Length].Equals(backendName, StringComparison.OrdinalIgnoreCase));

    private static IReadOnlyList<Type> GetLoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            var first = ex.LoaderExceptions.FirstOrDefault(e => e is not null);
            throw new BackendLoadException($"Types of {assembly.GetName().Name} could not be loaded: {first?.Message ?? ex.Message}", ex);
        }
    }

    private static void ConfigureOptions(IServiceCollection services, Type optionsType, IConfiguration settings)
    {
        var configure = typeof(OptionsConfigurationServiceCollectionExtensions)
            .GetMethod(nameof(OptionsConfigurationServiceCollectionExtensions.Configure), [typeof(IServiceCollection), typeof(IConfiguration)])!
            .MakeGenericMethod(optionsType);
        configure.Invoke(null, [services, settings]);
    }
}
