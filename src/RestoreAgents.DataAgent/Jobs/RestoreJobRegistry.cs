using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RestoreAgents.Cloud;
using RestoreAgents.Connections;
using RestoreAgents.DataAgent.Journal;
using RestoreAgents.DataAgent.Destinations;
using RestoreAgents.DataAgent.ManagedDisks;
using RestoreAgents.DataAgent.MediaAgents;
using RestoreAgents.Hosting;
using RestoreAgents.Protocol.V1;

namespace RestoreAgents.DataAgent.Jobs;

/// <summary>
/// The data agent's jobs: admits them (<see cref="JobAdmission"/>: queue, cache ceiling, free space), starts them
/// (at most MaxConcurrentJobs at once, the rest queued), finds, lists and cancels them, and forgets the oldest
/// finished ones beyond FinishedJobsKept.
/// </summary>
internal sealed class RestoreJobRegistry(
    IOptions<DataAgentOptions> options,
    RestoreRunner runner,
    AgentChannels channels,
    MediaAgentDirectory mediaAgents,
    StorageDestinations destinations,
    DataAgentMetrics metrics,
    TimeProvider time,
    ILogger<RestoreJobRegistry> logger) : IDisposable
{
    private readonly DataAgentOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, RestoreJob> _jobs = new();
    private readonly SemaphoreSlim _runSlots = new(options.Value.MaxConcurrentJobs);
    private readonly CancellationTokenSource _stopping = new();
    private readonly JobAdmission _admission = new(options.Value);
    private readonly ConcurrentDictionary<string, byte> _resuming = new();

    /// <param name="startedBy">The caller's identity, kept with the job.</param>
    public async Task<RestoreJob> StartAsync(StartRestoreRequest message, string startedBy,
        CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
            throw new RestoreRejectedException(StatusCode.Unavailable, "the data agent is shutting down");

        var (request, container) = RestoreRequests.From(message, _options, mediaAgents, destinations);
        // Refused here, before the media agent is asked and before any job exists to list.
        var admission = _admission.Admit(request.CacheSize);
        try
        {
            // Ask the media agent first, so an unknown copy or an unreachable media agent fails the call itself.
            var media = new MediaAgentClient(channels, request.MediaAgent, time, logger);
            var copy = await media.DescribeAsync(request.CopyName, _options.MediaAgentTimeout, cancellationToken);
            // A managed disk is checked now, so a refusal is this call's answer and nothing is ever written.
            var disk = request.ManagedDisk is { } managedDisk
                ? await ManagedDiskPreflight.CheckAsync(managedDisk, container, request.BlobName, copy,
                    time.GetUtcNow(), cancellationToken)
                : null;
            if (request.ManagedDisk is { ExpiresOn: null })
                logger.LogWarning("The SAS for managed disk {Blob} names no expiry (a stored policy keeps it) and the "
                    + "request states none: whether it outlasts the upload was not checked",
                    LogSafe.Text($"{request.Container}/{request.BlobName}"));
            // Any other blob: an existing one without overwrite, a missing container a SAS cannot create, a copy too
            // large are refused now too (a managed disk is its existing blob, written in place).
            if (request.ManagedDisk is null)
                await RestoreTargetCheck.RefuseMistakesAsync(request, copy, container, _options.MediaAgentTimeout, logger,
                    cancellationToken);

            var job = new RestoreJob(NewJobId(), request, copy, startedBy, Activity.Current?.Context ?? default,
                container)
            {
                Admission = admission,
                ExistingBlob = disk,
            };
            _jobs[job.Id] = job;
            metrics.JobQueued();
            logger.LogInformation("Restore {Job} accepted from {Caller}: copy {Copy} ({DiskSize} bytes, {Allocated} "
                + "allocated) from {Media} ({MediaUrl}) into {Blob} of destination '{Destination}'{Sas}", job.Id,
                startedBy, LogSafe.Text(copy.Name), copy.DiskSize, copy.AllocatedBytes, request.MediaAgent,
                request.MediaAgent.Url, LogSafe.Text($"{request.Container}/{request.BlobName}"), request.Destination,
                request.UsesSas ? " with the request's SAS" : "");
            _ = RunWhenSlotFreeAsync(job);
            return job;
        }
        catch
        {
            admission.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Takes a job that the journal of an earlier run holds: resumes it in the background, or lists it as
    /// interrupted when it needs the operator (a SAS URL to give again, a media agent that does not answer).
    /// </summary>
    public void Recover(JobJournal journal)
    {
        var kept = journal.Request;
        if (kept.UsesSas)
        {
            journal.Dispose();
            AddInterrupted(kept, "the data agent restarted, and this job was started with a SAS URL, which its journal "
                + $"does not keep: 'restorectl resume {kept.JobId} --sas-url-file FILE' goes on");
            return;
        }
        _ = ResumeInBackgroundAsync(journal);
    }

    /// <summary>Resumes an interrupted job (ResumeRestore): same id, from its journal.</summary>
    /// <param name="sasUrl">The SAS URL again, for a job started with one.</param>
    public async Task<RestoreJob> ResumeAsync(string jobId, string? sasUrl, CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested)
            throw new RestoreRejectedException(StatusCode.Unavailable, "the data agent is shutting down");
        var job = Get(jobId);
        if (job.State != RestoreState.Interrupted)
            throw new RestoreRejectedException(StatusCode.FailedPrecondition, $"job {jobId} is "
                + $"{job.State.ToString().ToLowerInvariant()}: only an interrupted job resumes");
        if (!_resuming.TryAdd(jobId, 0))
            throw new RestoreRejectedException(StatusCode.FailedPrecondition, $"job {jobId} is resuming already");
        try
        {
            var folder = Path.Combine(_options.CacheDirectory, jobId);
            if (!JobJournal.ExistsIn(folder))
                throw new RestoreRejectedException(StatusCode.FailedPrecondition,
                    $"job {jobId} has no journal in {folder} any more: restore its copy again");
            JobJournal journal;
            try
            {
                journal = JobJournal.Open(folder);
            }
            catch (JournalCorruptException e)
            {
                throw new RestoreRejectedException(StatusCode.FailedPrecondition, e.Message);
            }
            try
            {
                return await StartResumedAsync(journal, sasUrl, cancellationToken);
            }
            catch
            {
                journal.Dispose();
                throw;
            }
        }
        finally
        {
            _resuming.TryRemove(jobId, out _);
        }
    }

    /// <summary>Forgets an interrupted job (DiscardRestore): its journal goes; the blob stays as far as it got.</summary>
    public void Discard(string jobId)
    {
        var job = Get(jobId);
        if (job.State != RestoreState.Interrupted)
            throw new RestoreRejectedException(StatusCode.FailedPrecondition, $"job {jobId} is "
                + $"{job.State.ToString().ToLowerInvariant()}: only an interrupted job is discarded (cancel a running one)");
        var folder = Path.Combine(_options.CacheDirectory, jobId);
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        _jobs.TryRemove(jobId, out _);
        logger.LogInformation("Restore {Job} discarded: its journal is removed", jobId);
    }

    private async Task ResumeInBackgroundAsync(JobJournal journal)
    {
        var kept = journal.Request;
        try
        {
            await StartResumedAsync(journal, sasUrl: null, _stopping.Token);
        }
        catch (Exception e)
        {
            journal.Dispose();
            var why = e is RestoreRejectedException or RpcException ? e.Message : SafeErrorText.Of(e);
            logger.LogWarning("Restore {Job} could not resume: {Error}", kept.JobId, why);
            AddInterrupted(kept, $"could not resume ({why}): 'restorectl resume {kept.JobId}' tries again, "
                + $"'restorectl discard {kept.JobId}' gives it up");
        }
    }

    private async Task<RestoreJob> StartResumedAsync(JobJournal journal, string? sasUrl,
        CancellationToken cancellationToken)
    {
        var kept = journal.Request;
        var (request, container) = RestoreRequests.FromJournal(kept, sasUrl, mediaAgents, destinations);
        var admission = _admission.Admit(request.CacheSize);
        try
        {
            var media = new MediaAgentClient(channels, request.MediaAgent, time, logger);
            var copy = await media.DescribeAsync(request.CopyName, _options.MediaAgentTimeout, cancellationToken);
            if (copy.DiskSize != kept.DiskSize || copy.AllocatedBytes != kept.AllocatedBytes
                || copy.DiskSha256 != kept.DiskSha256)
                throw new RestoreRejectedException(StatusCode.FailedPrecondition, $"{request.MediaAgent} describes "
                    + $"copy '{LogSafe.Text(copy.Name)}' otherwise than when job {kept.JobId} began (size, allocated "
                    + "bytes or SHA-256 differ): it is not the same copy; discard the job and restore again");
            journal.AppendResumed();
            var job = new RestoreJob(kept.JobId, request, copy, kept.StartedBy, Activity.Current?.Context ?? default,
                container)
            {
                Admission = admission,
                ResumedFrom = journal,
                Resumes = journal.Resumes,
            };
            job.MarkResuming();
            _jobs[job.Id] = job;
            metrics.JobQueued();
            logger.LogInformation("Restore {Job} resumes from its journal (resume {Resumes}): copy {Copy} from {Media} "
                + "into {Blob} of destination '{Destination}'", job.Id, job.Resumes, LogSafe.Text(copy.Name),
                request.MediaAgent, LogSafe.Text($"{request.Container}/{request.BlobName}"), request.Destination);
            _ = RunWhenSlotFreeAsync(job);
            return job;
        }
        catch
        {
            admission.Dispose();
            throw;
        }
    }

    /// <summary>Lists a job of a journal as interrupted: it holds no cache, no container, and waits for the operator.</summary>
    private void AddInterrupted(JournaledRequest kept, string why)
    {
        ConfiguredMediaAgent mediaAgent;
        try
        {
            mediaAgent = mediaAgents.Get(kept.MediaAgent);
        }
        catch (RestoreRejectedException)
        {
            mediaAgent = new ConfiguredMediaAgent(kept.MediaAgent, new Uri("about:blank")); // no longer configured
        }
        var request = new RestoreRequest(mediaAgent, kept.CopyName, kept.Destination, kept.Container, kept.BlobName,
            kept.UsesSas, kept.PageSize, kept.CacheSize, kept.Verify, kept.Overwrite);
        var copy = new CopyDescription
        {
            Name = kept.CopyName,
            DiskSize = kept.DiskSize,
            AllocatedBytes = kept.AllocatedBytes,
            DiskSha256 = kept.DiskSha256,
        };
        var job = new RestoreJob(kept.JobId, request, copy, kept.StartedBy, default, container: null);
        job.Finish(RestoreState.Interrupted, time.GetUtcNow(), why);
        _jobs[job.Id] = job;
    }

    public RestoreJob Get(string jobId) =>
        _jobs.TryGetValue(jobId, out var job)
            ? job
            : throw new RestoreRejectedException(StatusCode.NotFound, $"no restore job '{jobId}' on this data agent");

    public IReadOnlyList<RestoreJob> List() =>
        _jobs.Values.OrderBy(j => j.Snapshot().Started?.ToDateTimeOffset() ?? DateTimeOffset.MaxValue).ToList();

    /// <summary>
    /// Refuses new jobs and interrupts the queued and running ones: a running job keeps its journal and resumes
    /// when the data agent starts again.
    /// </summary>
    public void CancelAll()
    {
        _stopping.Cancel();
        foreach (var job in _jobs.Values.Where(j => !j.IsFinished)) job.Interrupt();
    }

    /// <summary>Cancels every job and waits until each has ended cleanly.</summary>
    public async Task StopAllAsync(CancellationToken cancellationToken)
    {
        CancelAll();
        var running = _jobs.Values.Where(j => !j.IsFinished).ToList();
        await Task.WhenAll(running.Select(j => j.Finished)).WaitAsync(cancellationToken);
    }

    private async Task RunWhenSlotFreeAsync(RestoreJob job)
    {
        try
        {
            await _runSlots.WaitAsync(job.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            job.ResumedFrom?.Dispose();
            if (job.IsInterrupting && job.ResumedFrom is not null)
            {
                // Its journal stays on disk: the next start resumes it.
                job.Finish(RestoreState.Interrupted, time.GetUtcNow(), "the data agent stopped before the job resumed");
                metrics.JobEnded(wasRunning: false, RestoreState.Interrupted, TimeSpan.Zero, failure: null);
                return;
            }
            if (job.ResumedFrom is not null) TryDeleteFolder(job.Id); // cancelled: its journal goes
            job.Finish(RestoreState.Cancelled, time.GetUtcNow(), "cancelled before it started");
            metrics.JobEnded(wasRunning: false, RestoreState.Cancelled, TimeSpan.Zero, failure: null);
            return;
        }

        try
        {
            await Task.Yield(); // off the StartRestore call's thread
            await runner.RunAsync(job);
        }
        finally
        {
            _runSlots.Release();
            ForgetOldJobs();
        }
    }

    private void TryDeleteFolder(string jobId)
    {
        try
        {
            Directory.Delete(Path.Combine(_options.CacheDirectory, jobId), recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not remove the cache folder of job {Job}: {Error}", jobId, e.Message);
        }
    }

    private void ForgetOldJobs()
    {
        var finished = _jobs.Values.Where(j => j.IsFinished).ToList();
        foreach (var job in finished.OrderBy(j => j.Snapshot().Finished?.ToDateTimeOffset())
                     .Take(Math.Max(0, finished.Count - _options.FinishedJobsKept)))
            _jobs.TryRemove(job.Id, out _);
    }

    private static string NewJobId() => JobIdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>Every job id starts so; a job's cache folder is named by its id.</summary>
    public const string JobIdPrefix = "r-";

    public void Dispose()
    {
        _stopping.Dispose();
        _runSlots.Dispose();
    }
}
