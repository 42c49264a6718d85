using RestoreAgents.Caching;
using RestoreAgents.DataAgent.Jobs;

namespace RestoreAgents.DataAgent.Disks;

internal sealed class DirectRestoreDiskFactory : IRestoreDiskFactory
{
    public ValueTask<IRestoreDisk> CreateAsync(RestoreJob job, PageCache cache,
        CancellationToken cancellationToken) => ValueTask.FromResult<IRestoreDisk>(new DirectRestoreDisk(cache));
}
