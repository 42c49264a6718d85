using Microsoft.Extensions.Options;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// At start, removes the job folders a killed data agent left in the cache folder: their page caches are of no
/// use to anyone (the jobs are gone with the process) and would hold the proxy's disk. Only folders named like
/// job ids are touched, so anything else an operator keeps there stays.
/// </summary>
internal sealed class StaleCacheCleaner(IOptions<DataAgentOptions> options, ILogger<StaleCacheCleaner> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var cacheDirectory = options.Value.CacheDirectory;
        if (!Directory.Exists(cacheDirectory)) return Task.CompletedTask;
        foreach (var folder in Directory.EnumerateDirectories(cacheDirectory, RestoreJobRegistry.JobIdPrefix + "*"))
        {
            try
            {
                long bytes = new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories)
                    .Sum(file => file.Length);
                Directory.Delete(folder, recursive: true);
                logger.LogWarning("Removed cache folder {Folder} ({Bytes} bytes) of a job whose data agent did not "
                    + "stop cleanly; restore that copy again", folder, bytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Could not remove the stale cache folder {Folder}: {Error}", folder, e.Message);
            }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
