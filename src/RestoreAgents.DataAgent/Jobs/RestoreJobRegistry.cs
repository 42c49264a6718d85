using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RestoreAgents.Connections;
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

    public RestoreJob Get(string jobId) =>
        _jobs.TryGetValue(jobId, out var job)
            ? job
            : throw new RestoreRejectedException(StatusCode.NotFound, $"no restore job '{jobId}' on this data agent");

    public IReadOnlyList<RestoreJob> List() =>
        _jobs.Values.OrderBy(j => j.Snapshot().Started?.ToDateTimeOffset() ?? DateTimeOffset.MaxValue).ToList();

    /// <summary>Cancels every job and waits for them to end: a clean stop on SIGTERM.</summary>
    /// <summary>Refuses new jobs and cancels the queued and running ones.</summary>
    public void CancelAll()
    {
        _stopping.Cancel();
        foreach (var job in _jobs.Values.Where(j => !j.IsFinished)) job.Cancel();
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
