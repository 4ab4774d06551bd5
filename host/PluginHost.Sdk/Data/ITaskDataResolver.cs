using PluginHost.Sdk.Protocol;

namespace PluginHost.Sdk.Data;

/// <summary>
/// Turns a task's data value (what Label Studio puts in <c>task.data</c>: <c>/data/upload/3/a.jpg</c>,
/// <c>/data/local-files/?d=…</c>, <c>s3://…</c>, <c>https://…</c>, <c>data:…</c>) into a local file, as the Python
/// SDK's <c>get_local_path</c> does. Downloads are cached on disk; the Label Studio token is only ever sent to the
/// Label Studio host. Thread-safe: one instance serves every backend.
/// </summary>
public interface ITaskDataResolver
{
    /// <summary>
    /// The path of a local file holding the data. The file may be a cache entry: read it soon, do not modify it.
    /// </summary>
    /// <param name="value">The task data value.</param>
    /// <param name="taskId">The task id; required for cloud-storage URIs, which Label Studio presigns per task.</param>
    /// <param name="project">The project the task belongs to: selects the Label Studio connection remembered from its
    /// <c>/setup</c>. Null uses the configured connection only.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <exception cref="TaskDataException">The value cannot be fetched; the message names the URL and the reason.</exception>
    Task<string> GetLocalPathAsync(string value, long? taskId, ProjectRef? project, CancellationToken cancellationToken);

    /// <summary>Opens the data for reading (see <see cref="GetLocalPathAsync"/>). The caller disposes the stream.</summary>
    Task<Stream> OpenReadAsync(string value, long? taskId, ProjectRef? project, CancellationToken cancellationToken);
}
