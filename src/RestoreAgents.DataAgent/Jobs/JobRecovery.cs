using Microsoft.Extensions.Options;
using RestoreAgents.DataAgent.Journal;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// At start, goes through the job folders an earlier run left in the cache folder. A folder with a readable journal
/// is a job to resume: its cache files (of no use: the blob and the journal say what is done) go, and the job
/// resumes once the host has started (the pseudo-disk mounted). A folder without one is removed, as its page cache
/// is of no use to anyone. Only folders named like job ids are touched, so anything else an operator keeps stays.
/// </summary>
internal sealed class JobRecovery(IOptions<DataAgentOptions> options, RestoreJobRegistry jobs,
    IHostApplicationLifetime lifetime, ILogger<JobRecovery> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var cacheDirectory = options.Value.CacheDirectory;
        if (!Directory.Exists(cacheDirectory)) return Task.CompletedTask;
        var journals = new List<JobJournal>();
        foreach (var folder in Directory.EnumerateDirectories(cacheDirectory, RestoreJobRegistry.JobIdPrefix + "*"))
        {
            if (Open(folder) is { } journal)
            {
                journals.Add(journal);
                RemoveAllBut(folder, JobJournal.FileName);
            }
            else
            {
                RemoveAllBut(folder, keep: null);
            }
        }
        lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var journal in journals) jobs.Recover(journal);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private JobJournal? Open(string folder)
    {
        if (!JobJournal.ExistsIn(folder)) return null;
        try
        {
            var journal = JobJournal.Open(folder);
            if (journal.Request.JobId != Path.GetFileName(folder))
            {
                logger.LogWarning("The journal in {Folder} is of job {Job}, not of the folder's: left out", folder,
                    journal.Request.JobId);
                journal.Dispose();
                return null;
            }
            if (journal.TornBytes > 0)
                logger.LogWarning("The journal of job {Job} ended in a torn record ({Bytes} bytes, cut off): the "
                    + "checkpoint before it holds", journal.Request.JobId, journal.TornBytes);
            return journal;
        }
        catch (Exception e) when (e is JournalCorruptException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not read the journal in {Folder} ({Error}): that job cannot resume; restore its "
                + "copy again", folder, e.Message);
            return null;
        }
    }

    /// <param name="keep">The one file to keep, or none to remove the folder itself.</param>
    private void RemoveAllBut(string folder, string? keep)
    {
        try
        {
            long bytes = 0;
            foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
            {
                if (entry.Name == keep) continue;
                if (entry is FileInfo file) bytes += file.Length;
                if (entry is DirectoryInfo directory) directory.Delete(recursive: true);
                else entry.Delete();
            }
            if (keep is null)
            {
                Directory.Delete(folder, recursive: true);
                logger.LogWarning("Removed cache folder {Folder} ({Bytes} bytes) of a job whose data agent did not "
                    + "stop cleanly and that kept no journal; restore that copy again", folder, bytes);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not clear the stale cache folder {Folder}: {Error}", folder, e.Message);
        }
    }
}
