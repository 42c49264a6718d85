namespace RestoreAgents.DataAgent.Jobs;

internal sealed class DirectRestoreDiskFactory : IRestoreDiskFactory
{
    public ValueTask<IRestoreDisk> CreateAsync(RestoreJob job, PageCache.PageCache cache,
        CancellationToken cancellationToken) => ValueTask.FromResult<IRestoreDisk>(new DirectRestoreDisk(cache));
}
