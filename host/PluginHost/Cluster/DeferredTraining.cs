namespace PluginHost.Cluster;

/// <summary>A training request that arrived while Redis was away, kept in the replica's journal until it can be queued.</summary>
internal sealed record DeferredTraining(string Backend, string ProjectId, string? ProjectRaw, string? ProjectTitle, string Trigger);
