using Microsoft.Extensions.Logging;

namespace PluginHost.Plugins.Segmentation;

/// <summary>Loads a backend's models in its constructor without failing the load: a model that cannot be used leaves
/// the backend loaded but unhealthy, with the reason logged and kept for /health and predict (503).</summary>
internal static class ModelLoading
{
    public static T? TryLoad<T>(Func<T> load, ILogger logger, string backend, List<string> problems) where T : class
    {
        try
        {
            return load();
        }
        catch (ModelConfigurationException ex)
        {
            problems.Add(ex.Message);
            logger.LogError("The {Backend} backend cannot use its model: {Error}", backend, ex.Message);
            return null;
        }
    }

    /// <summary>The health error for the problems collected, or null when there are none.</summary>
    public static string? HealthError(List<string> problems) => problems.Count == 0 ? null : string.Join(" ", problems);
}
