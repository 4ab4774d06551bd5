namespace PluginHost.Projects;

/// <summary>One backend's view of one Label Studio project: the key of everything the host keeps per project.</summary>
public readonly record struct ProjectKey
{
    public ProjectKey(string backend, string projectId)
    {
        // Route names are case-insensitive; folders and Redis keys use the lower-case form.
        Backend = backend.ToLowerInvariant();
        ProjectId = projectId;
    }

    public string Backend { get; }

    public string ProjectId { get; }

    public override string ToString() => $"{Backend}/{ProjectId}";
}
