using Microsoft.Extensions.Options;
using RestoreAgents.DataAgent.Journal;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// At start, goes through the job folders an earlier run left in the cache folder. A folder with a readable journal
/// is a job to resume: its cache files (of no use: the blob and the journal say what is done) go, and the job
/// resumes. This runs once the host has started: the pseudo-disk is mounted and a killed agent's stale mount
/// aborted, so that agent lets go of its journals. A folder without a journal, or with an unreadable one, is
/// removed, as its page cache is of no use to anyone. Only folders named like job ids are touched, so anything else an operator keeps stays.
/// </summary>
internal sealed class JobRecovery(IOptions<DataAgentOptions> options, RestoreJobRegistry jobs,
    IHostApplicationLifetime lifetime, TimeProvider time, ILogger<JobRecovery> logger) : IHostedService
{
    /// <summary>
    /// How long a journal locked by a killed agent is waited for: such an agent can hang in exit until its FUSE
    /// connection is aborted, which this start does before the host counts as started.
    /// </summary>
    private static readonly TimeSpan LockedJournalWait = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private Task _recovering = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var cacheDirectory = options.Value.CacheDirectory;
        if (!Directory.Exists(cacheDirectory)) return Task.CompletedTask;
        lifetime.ApplicationStarted.Register(() => _recovering = RecoverAsync(cacheDirectory, _stopping.Token));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _recovering.WaitAsync(cancellationToken);
    }

    private async Task RecoverAsync(string cacheDirectory, CancellationToken stopping)
    {
        foreach (var folder in Directory.EnumerateDirectories(cacheDirectory, RestoreJobRegistry.JobIdPrefix + "*"))
        {
            if (!JobJournal.ExistsIn(folder))
            {
                RemoveAllBut(folder, keep: null);
                continue;
            }
            try
            {
                if (await OpenAsync(folder, stopping) is not { } journal) continue;
                RemoveAllBut(folder, JobJournal.FileName);
                jobs.Recover(journal);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<JobJournal?> OpenAsync(string folder, CancellationToken stopping)
    {
        var started = time.GetTimestamp();
        for (var wait = TimeSpan.FromMilliseconds(100); ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.TicksPerSecond)))
        {
            try
            {
                return Open(folder);
            }
            catch (IOException e) when (File.Exists(Path.Combine(folder, JobJournal.FileName)))
            {
                // Locked: the killed agent that holds it has not finished exiting. Its folder stays either way.
                if (time.GetElapsedTime(started) >= LockedJournalWait)
                {
                    logger.LogWarning("The journal in {Folder} is still held by another process ({Error}): that job "
                        + "resumes at the next start", folder, e.Message);
                    return null;
                }
                await Task.Delay(wait, time, stopping);
            }
        }
    }

    private JobJournal? Open(string folder)
    {
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
        catch (Exception e) when (e is JournalCorruptException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not read the journal in {Folder} ({Error}): that job cannot resume; restore its "
                + "copy again", folder, e.Message);
            RemoveAllBut(folder, keep: null);
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
