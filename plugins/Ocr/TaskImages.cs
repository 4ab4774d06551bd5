using PluginHost.Imaging;
using PluginHost.Sdk.Data;
using PluginHost.Sdk.LabelConfigs;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Plugins.Ocr;

/// <summary>A task's image for an OCR backend: resolved to a local file, decoded once into the backend's cache.</summary>
internal static class TaskImages
{
    /// <exception cref="InvalidDataException">The task has no such data, or its image cannot be decoded; the message names the task.</exception>
    public static async Task<DecodedImageCache.Lease> LoadAsync(ITaskDataResolver data, DecodedImageCache images, LabelStudioTask task, ObjectTag imageTag,
        ProjectRef project, ImagePixels pixels, long maxImagePixels, CancellationToken cancellationToken)
    {
        var value = task.GetData(imageTag.ValueKey)
            ?? throw new InvalidDataException($"Task {task.Id} has no data '{imageTag.ValueKey}' for image '{imageTag.Name}'.");
        var path = await data.GetLocalPathAsync(value, task.Id, project, cancellationToken).ConfigureAwait(false);
        try
        {
            return images.Get(path, bytes => DecodedImage.Load(bytes, pixels, maxImagePixels));
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"Task {task.Id}: cannot read the image '{(value.Length <= 80 ? value : value[..77] + "...")}': {ex.Message}", ex);
        }
    }
}
