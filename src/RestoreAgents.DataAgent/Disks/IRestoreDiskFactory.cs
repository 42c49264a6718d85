using RestoreAgents.Caching;
using RestoreAgents.DataAgent.Jobs;

namespace RestoreAgents.DataAgent.Disks;

/// <summary>Chooses how a job's blocks reach the page cache (DataAgent:PseudoDisk).</summary>
internal interface IRestoreDiskFactory
{
    ValueTask<IRestoreDisk> CreateAsync(RestoreJob job, PageCache cache,
        CancellationToken cancellationToken);
}
