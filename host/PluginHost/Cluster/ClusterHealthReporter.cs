using PluginHost.Training;
using StackExchange.Redis;

namespace PluginHost.Cluster;

/// <summary>Builds the <c>cluster</c> section of <c>/health</c> from Redis: replicas by heartbeat, jobs with their
/// replica, and the active version of every backend+project. Never throws: Redis away is reported as such.</summary>
public sealed class ClusterHealthReporter(
    ReplicaRegistry replicas, RedisTrainingQueue queue, RedisActiveVersionStore activeVersions, ReplicaIdentity self, ClusterReadiness readiness)
{
    public async Task<ClusterHealth> DescribeAsync()
    {
        try
        {
            var members = await replicas.ListAsync();
            var jobs = (await queue.ActiveJobsAsync())
                .Select(j => new ClusterTrainingJob(j.Job.Id, j.Job.Backend, j.Job.Project, j.Job.State, j.Job.Stage, j.Job.Progress, j.Replica))
                .ToList();
            var versions = (await activeVersions.ListPointersAsync())
                .Select(p => new ClusterActiveVersion(p.Backend, p.Project, p.Version, ModelStore.ModelVersionOf(p.Backend, p.Version)))
                .ToList();
            return new ClusterHealth("up", self.Id, readiness.IsReady, members, jobs, versions);
        }
        catch (RedisException ex)
        {
            return new ClusterHealth("unreachable", self.Id, readiness.IsReady, [], [], [], ex.Message);
        }
    }
}
