namespace RestoreAgents.DataAgent.Jobs;

/// <summary>Chooses how a job's blocks reach the page cache (DataAgent:PseudoDisk).</summary>
internal interface IRestoreDiskFactory
{
    ValueTask<IRestoreDisk> CreateAsync(RestoreJob job, PageCache.PageCache cache,
        CancellationToken cancellationToken);
}
